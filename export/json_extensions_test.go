package export_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
)

// The JSON export of an imported Threat Dragon model keeps the kept
// document compact (not several times its size, as indenting made it),
// imports again and exports identically.
func TestJSONExportOfImportedModelIsCompactAndReimports(t *testing.T) {
	td := interopFile(t, "threat-dragon/v2-threat-model.json")
	m, err := export.Import(td, "td.json")
	if err != nil {
		t.Fatal(err)
	}
	out, err := export.JSON(m)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) > 2*len(td) {
		t.Errorf("the JSON export is %d bytes for a %d-byte Threat Dragon file", len(out), len(td))
	}
	back, err := export.Import(out, "back.json")
	if err != nil {
		t.Fatal(err)
	}
	again, err := export.JSON(back)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(out, again) {
		t.Error("export → import → export is not identical")
	}
	if _, err := export.ThreatDragon(back); err != nil {
		t.Errorf("the re-imported model does not export to Threat Dragon: %v", err)
	}
}

// Data kept for Threat Dragon or OTM in the wrong shape is refused at
// import, where the user can fix it, not when exporting later fails.
func TestJSONRefusesMisshapenExtension(t *testing.T) {
	for tool, raw := range map[string]string{"threat-dragon": `[1, 2]`, "otm": `{"elements": "x"}`} {
		doc := `{"schema": "threatdeck/1", "model": {"overview": {"title": "x", "status": "draft", "owasp_edition": "2025"}, "extensions": {"` + tool + `": ` + raw + `}}}`
		_, err := export.Import([]byte(doc), "x.json")
		if err == nil || !strings.Contains(err.Error(), "model.extensions."+tool+": is not the "+tool+" data threatdeck keeps") {
			t.Errorf("%s: %v", tool, err)
		}
	}
}
