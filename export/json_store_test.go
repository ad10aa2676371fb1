package export_test

import (
	"bytes"
	"path/filepath"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// TestJSONLosslessThroughStore is the round trip with the real
// workbook: export → import into an empty workbook → load → export gives
// identical bytes, and the report is unchanged too.
func TestJSONLosslessThroughStore(t *testing.T) {
	st, err := store.Open(filepath.Join(t.TempDir(), "workbook.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()

	ex := model.Example(model.ExampleDate)
	ex.SetExtension("threat-dragon", []byte(`{"version":"2.2.0","diagrams":[{"cells":[{"id":"a","position":{"x":10.5,"y":-3}}]}]}`), model.ExampleDate)
	if _, err := ex.Dismiss("TDL-S-001", model.ExampleDate); err != nil {
		t.Fatal(err)
	}
	first, err := export.JSON(ex)
	if err != nil {
		t.Fatal(err)
	}
	imported, err := export.Import(first, "example.json")
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.Create(imported)
	if err != nil {
		t.Fatal(err)
	}
	loaded, err := st.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	second, err := export.JSON(loaded)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, second) {
		t.Errorf("export → import → store → load → export changed the document")
	}
	if !bytes.Equal(export.Markdown(loaded), export.Markdown(ex)) {
		t.Errorf("the report of the stored model differs from the original's")
	}
}
