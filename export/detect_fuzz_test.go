package export_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// fuzzImport checks the importers' promise on any input: no panic, and
// either a complete valid model or an error naming the file, never both
// and never half a model.
func fuzzImport(f *testing.F, format export.Format, seeds ...string) {
	for _, s := range seeds {
		f.Add(interopFile(f, s))
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
}

func FuzzImportThreatDragon(f *testing.F) {
	fuzzImport(f, export.FormatThreatDragon, tdSamples...)
}

func FuzzImportOTM(f *testing.F) {
	fuzzImport(f, export.FormatOTM, "otm/mobile-cloud.otm.json")
}

func FuzzImportTMBOM(f *testing.F) {
	fuzzImport(f, export.FormatTMBOM, "tm-bom/huskyai.tmbom.json")
}
