package export

import (
	"bytes"
	"encoding/json"
	"maps"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// A TM-BOM import keeps the document less the lists an export never
// reads (tmbomUnread); a model imported before, whose kept document holds
// every list, must export exactly as the same model kept the new way, in
// TM-BOM and in every other format that reads kept data.
func TestTMBOMOldKeptDocumentExportsTheSame(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	seed, err := os.ReadFile(filepath.Join("testdata", "seeds", "tm-bom.json"))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		data []byte
	}{{"huskyai", huskyaiFile(t)}, {"seed", seed}} {
		t.Run(c.name, func(t *testing.T) {
			m, err := ImportForeign(c.data, "f.json", FormatTMBOM, now)
			if err != nil {
				t.Fatal(err)
			}
			kept := m.Extensions[ToolTMBOM]
			var ext map[string]json.RawMessage
			if err := json.Unmarshal(kept, &ext); err != nil {
				t.Fatal(err)
			}
			var doc map[string]json.RawMessage
			if err := json.Unmarshal(ext["document"], &doc); err != nil {
				t.Fatal(err)
			}
			for list := range tmbomUnread {
				if _, ok := doc[list]; ok {
					t.Errorf("the kept document holds %s", list)
				}
			}
			// The extension as imports wrote it before: the whole file
			// as the document.
			var whole map[string]any
			dec := json.NewDecoder(bytes.NewReader(c.data))
			dec.UseNumber()
			if err := dec.Decode(&whole); err != nil {
				t.Fatal(err)
			}
			if ext["document"], err = json.Marshal(whole); err != nil {
				t.Fatal(err)
			}
			before := *m
			before.Extensions = maps.Clone(m.Extensions)
			if before.Extensions[ToolTMBOM], err = json.Marshal(ext); err != nil {
				t.Fatal(err)
			}
			if len(before.Extensions[ToolTMBOM]) <= len(kept) {
				t.Fatalf("the whole document (%d bytes) is no larger than the one kept (%d)", len(before.Extensions[ToolTMBOM]), len(kept))
			}
			for _, f := range []struct {
				name   string
				export func(*model.Model) ([]byte, error)
			}{{"tm-bom", TMBOM}, {"otm", OTM}, {"threat-dragon", ThreatDragon}, {"csv", CSV},
				{"markdown", func(m *model.Model) ([]byte, error) { return Markdown(m), nil }}} {
				got, err := f.export(m)
				if err != nil {
					t.Fatal(err)
				}
				want, err := f.export(&before)
				if err != nil {
					t.Fatal(err)
				}
				if !bytes.Equal(got, want) {
					t.Errorf("%s export differs from the one of the document kept whole:\n%s\nwant\n%s", f.name, got, want)
				}
			}
		})
	}
}

// huskyaiFile is the real TM-BOM file of ../shared/interop.
func huskyaiFile(t *testing.T) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "shared", "interop", "tm-bom", "huskyai.tmbom.json"))
	if err != nil {
		t.Fatal(err)
	}
	return data
}
