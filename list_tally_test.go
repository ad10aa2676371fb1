package main

import (
	"path/filepath"
	"testing"

	"github.com/threatdeck/threatdeck/store"
)

// TestListAfterImports: `list` gives every imported model the line its
// whole decoded model gives, for each import format (the store keeps the
// listing in a tally written with the model).
func TestListAfterImports(t *testing.T) {
	db := filepath.Join(t.TempDir(), "w.db")
	files := []string{
		"testdata/example-threat-model.golden.json",
		"testdata/interop/threat-dragon/three-tier-web-app.json",
		"testdata/interop/otm/mobile-cloud.otm.json",
	}
	for _, f := range files {
		runCLI(t, db, "", "import", f).ok(t)
	}
	s, err := store.Open(db, store.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	list, err := s.List()
	if err != nil || len(list) != len(files) {
		t.Fatalf("listed %v, %v", list, err)
	}
	for _, sum := range list {
		m, err := s.Load(sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		if want := m.Summarize(); sum != want {
			t.Errorf("model %s listed as %+v, decoded %+v", sum.ID, sum, want)
		}
	}
}
