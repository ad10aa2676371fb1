package export

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"strings"
	"testing"
	"unsafe"

	"github.com/threatdeck/threatdeck/model"
)

// ReadModelFile gives use the model Import gives and the file's bytes,
// for every format and for files Import refuses, with the same errors;
// a threatdeck JSON document's plain texts are the file's bytes.
func TestReadModelFile(t *testing.T) {
	dir := t.TempDir()
	native, err := JSON(model.Example(model.ExampleDate))
	if err != nil {
		t.Fatal(err)
	}
	everything, err := JSON(everythingModel()) // a document import refuses
	if err != nil {
		t.Fatal(err)
	}
	otm, err := os.ReadFile(filepath.Join("testdata", "corpus", "otm-features.otm.json"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name string
		data []byte
	}{
		{"native.json", native},
		{"otm.json", otm},
		{"everything.json", everything},
		{"empty.json", nil},
		{"broken.json", native[:len(native)/2]},
		{"hostile.json", []byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"T\u001b[31m\u202e","summary":"ok\r\nline"}}}`)},
		// Unescaped, so read in place, and cleaned all the same.
		{"hostile-raw.json", []byte("{\"schema\":\"threatdeck/1\",\"model\":{\"overview\":{\"title\":\"T\u202eX\"},\"threats\":[{\"id\":\"T-001\",\"title\":\"\u2066A\u0085B\",\"category\":\"Spoofing\"}]}}")},
	}
	for _, c := range cases {
		path := filepath.Join(dir, c.name)
		if err := os.WriteFile(path, c.data, 0o600); err != nil {
			t.Fatal(err)
		}
		t.Run(c.name, func(t *testing.T) {
			want, wantErr := Import(c.data, path)
			called := false
			err := ReadModelFile(path, func(m *model.Model, src CheckSource) error {
				called = true
				if src.Path != path || string(src.Data) != string(c.data) {
					t.Errorf("the source is %q with %d bytes, want %q with %d", src.Path, len(src.Data), path, len(c.data))
				}
				if !reflect.DeepEqual(m, want) {
					t.Error("the model differs from Import's")
				}
				for _, text := range append([]string{m.Overview.Title}, threatTitles(m)...) {
					if text != model.CleanLine(text) {
						t.Errorf("text %q is not clean", text)
					}
				}
				if c.name == "native.json" && !within(m.Threats[0].Title, src.Data) {
					t.Error("a threat's title is a copy, not the file's bytes")
				}
				return nil
			})
			if (wantErr == nil) != called || (wantErr != nil && (err == nil || err.Error() != wantErr.Error())) {
				t.Fatalf("ReadModelFile: %v (read called: %v), Import: %v", err, called, wantErr)
			}
		})
	}
	stop := errors.New("stop")
	if err := ReadModelFile(filepath.Join(dir, "native.json"), func(*model.Model, CheckSource) error { return stop }); err != stop {
		t.Errorf("ReadModelFile returned %v, not use's error", err)
	}
	missing := filepath.Join(dir, "missing.json")
	if err := ReadModelFile(missing, nil); err == nil || err.Error() != "cannot read "+missing+": no such file or directory" {
		t.Errorf("a missing file: %v", err)
	}
}

// A file cut short while its model is in use is an error, not a crash.
func TestReadModelFileCutShort(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("relies on Linux's SIGBUS past the end of a mapped file")
	}
	m := model.Example(model.ExampleDate)
	for range 200 {
		if _, err := m.PutThreat(model.Threat{Title: strings.Repeat("long title ", 15), Category: model.Spoofing}, model.ExampleDate); err != nil {
			t.Fatal(err)
		}
	}
	data, err := JSON(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "model.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	err = ReadModelFile(path, func(m *model.Model, _ CheckSource) error {
		if err := os.Truncate(path, 0); err != nil {
			t.Fatal(err)
		}
		n := 0
		for _, th := range m.Threats {
			n += strings.Count(th.Title, "t")
		}
		t.Logf("read %d letters", n)
		return nil
	})
	if err == nil || !strings.Contains(err.Error(), "changed while it was being read") {
		t.Fatalf("ReadModelFile of a file cut short: %v", err)
	}
}

func threatTitles(m *model.Model) []string {
	var out []string
	for _, th := range m.Threats {
		out = append(out, th.Title)
	}
	return out
}

// within reports whether s's bytes lie inside data.
func within(s string, data []byte) bool {
	p, start := uintptr(unsafe.Pointer(unsafe.StringData(s))), uintptr(unsafe.Pointer(unsafe.SliceData(data)))
	return len(s) > 0 && p >= start && p+uintptr(len(s)) <= start+uintptr(len(data))
}
