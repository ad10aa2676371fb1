package export_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// fuzzImport checks the importers' promise on any input: no panic, and
// either a complete valid model or an error naming the file, never both
// and never half a model.
//
// The seeds are small on purpose (testdata/seeds, under 500 bytes, each
// still importing elements, a flow, a threat and a mitigation): the fuzzer
// minimises every new interesting input, at a cost that grows with the
// square of its length; from the 23–77 KB interop samples it spent the
// whole minute minimising and ran 3–6 executions, from these it runs
// 117,000–197,000 a minute on a loaded 2-core machine.
func fuzzImport(f *testing.F, format export.Format, seeds ...string) {
	for _, s := range seeds {
		data, err := os.ReadFile(filepath.Join("testdata", "seeds", s))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := export.ImportForeign(data, "fuzz.json", format, interopNow)
		if err != nil {
			if m != nil {
				t.Fatal("a model and an error")
			}
			var ie *export.ImportError
			if !errors.As(err, &ie) || !strings.HasPrefix(err.Error(), "fuzz.json: ") {
				t.Fatalf("error %q is not an ImportError naming the file", err)
			}
			if strings.Contains(err.Error(), "internal error") {
				t.Fatalf("importer panicked: %v", err)
			}
			return
		}
		checkImported(t, m)
	})
}

// checkImported proves a model valid: threatdeck's own JSON reader, which
// validates every entity and reference, accepts its export, and every
// link resolves.
func checkImported(t *testing.T, m *model.Model) {
	t.Helper()
	js, err := export.JSON(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := export.ParseJSON(js); err != nil {
		t.Fatalf("imported model is not valid: %v", err)
	}
	for _, e := range m.Surface {
		for _, end := range []string{e.Source, e.Target} {
			if _, ok := m.Element(end); end != "" && !ok {
				t.Fatalf("element %s ends at missing %s", e.ID, end)
			}
		}
	}
	for _, th := range m.Threats {
		for _, id := range th.Surface {
			if _, ok := m.Element(id); !ok {
				t.Fatalf("threat %s on missing %s", th.ID, id)
			}
		}
	}
	// Whatever came in must go out again.
	if _, err := export.ThreatDragon(m); err != nil {
		t.Fatalf("Threat Dragon export: %v", err)
	}
	if _, err := export.OTM(m); err != nil {
		t.Fatalf("OTM export: %v", err)
	}
	// A file export streams: the same bytes as Export, whatever came in.
	for _, f := range export.Formats() {
		if f.Stream == nil {
			continue
		}
		want, err := f.Export(m)
		if err != nil {
			t.Fatalf("%s export: %v", f.Name, err)
		}
		var got bytes.Buffer
		if err := f.Stream(&got, m); err != nil || !bytes.Equal(got.Bytes(), want) {
			t.Fatalf("%s: streamed export differs from Export (%v)", f.Name, err)
		}
	}
}

func FuzzImportThreatDragon(f *testing.F) {
	fuzzImport(f, export.FormatThreatDragon, "threat-dragon.json")
}

func FuzzImportOTM(f *testing.F) {
	fuzzImport(f, export.FormatOTM, "otm.json")
}

func FuzzImportTMBOM(f *testing.F) {
	fuzzImport(f, export.FormatTMBOM, "tm-bom.json")
}

// The seeds are worth fuzzing from only if they import.
func TestFuzzSeedsImport(t *testing.T) {
	for name, format := range map[string]export.Format{"threat-dragon.json": export.FormatThreatDragon, "otm.json": export.FormatOTM, "tm-bom.json": export.FormatTMBOM} {
		data, err := os.ReadFile(filepath.Join("testdata", "seeds", name))
		if err != nil {
			t.Fatal(err)
		}
		if len(data) > 512 {
			t.Errorf("seed %s is %d bytes; keep seeds small", name, len(data))
		}
		m, err := export.ImportForeign(data, name, format, interopNow)
		if err != nil {
			t.Fatalf("seed %s: %v", name, err)
		}
		if len(m.Surface) < 3 || len(m.Threats) == 0 {
			t.Errorf("seed %s imports %d elements and %d threats", name, len(m.Surface), len(m.Threats))
		}
		checkImported(t, m)
	}
}
