package export_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/store"
)

// importInto is what `threatdeck import` does: read the whole file into a
// model, then write it in one transaction.
func importInto(s *store.Store, data []byte, name string) (string, error) {
	m, err := export.Import(data, name)
	if err != nil {
		return "", err
	}
	return s.Create(m)
}

// workbookState is everything a user sees of a workbook: its model list
// and each model's full export.
func workbookState(t *testing.T, s *store.Store) []byte {
	t.Helper()
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	out, err := json.Marshal(list)
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range list {
		m, err := s.Load(sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		js, err := export.JSON(m)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, js...)
	}
	return out
}

// TestFailedImportLeavesWorkbookUnchanged uses a real workbook: imports
// that fail, however far into the file the problem is, change nothing;
// importing the same file twice makes a second model and leaves the first
// as it was.
func TestFailedImportLeavesWorkbookUnchanged(t *testing.T) {
	path := filepath.Join(t.TempDir(), "workbook.db")
	s, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	good := interopFile(t, "threat-dragon/v2-threat-model.json")
	first, err := importInto(s, good, "demo.json")
	if err != nil {
		t.Fatal(err)
	}
	before := workbookState(t, s)
	fileBefore, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}

	// The last threat of the demo (its description is the file's last but
	// one; the last is the diagram's) gets a description over the limit,
	// so the import fails only after everything before it was read.
	marker := []byte(`"description": "`)
	last := bytes.LastIndex(good[:bytes.LastIndex(good, marker)], marker)
	lateFailure := append(append(append([]byte{}, good[:last]...), `"description": "`+strings.Repeat("x", 70<<10)...), good[last+len(`"description": "`):]...)
	bad := map[string][]byte{
		"late failure":  lateFailure,
		"broken JSON":   good[:len(good)/2],
		"too deep":      []byte(`{"summary": {}, "detail": ` + strings.Repeat("[", 100) + strings.Repeat("]", 100) + `}`),
		"wrong type":    bytes.Replace(good, []byte(`"shape": "store",`), []byte(`"shape": 5,`), 1),
		"otm bad range": []byte(`{"otmVersion": "0.2.0", "project": {"name": "p", "id": "p"}, "threats": [{"id": "t", "name": "T", "risk": {"likelihood": 500, "impact": 1}}]}`),
		"unknown":       []byte(`{"hello": "world"}`),
	}
	for name, data := range bad {
		if id, err := importInto(s, data, name+".json"); err == nil {
			t.Errorf("%s: imported as model %s, want an error", name, id)
		}
		if after := workbookState(t, s); !bytes.Equal(before, after) {
			t.Errorf("%s: a failed import changed the workbook", name)
		}
	}
	if fileAfter, err := os.ReadFile(path); err != nil || !bytes.Equal(fileBefore, fileAfter) {
		t.Errorf("failed imports changed the workbook file (err %v)", err)
	}

	second, err := importInto(s, good, "demo.json")
	if err != nil {
		t.Fatal(err)
	}
	if second == first {
		t.Fatalf("second import reused id %s", first)
	}
	list, err := s.List()
	if err != nil || len(list) != 2 {
		t.Fatalf("after importing twice: %d models, %v", len(list), err)
	}
	m1, err := s.Load(first)
	if err != nil {
		t.Fatal(err)
	}
	js1, _ := export.JSON(m1)
	if !bytes.Contains(before, js1) {
		t.Error("importing the file again changed the first model")
	}
}
