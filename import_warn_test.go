package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// A file whose data flow goes from an element back to itself is imported
// as it is, with one warning line naming the flow.
func TestImportWarnsOfSelfLoops(t *testing.T) {
	m, err := model.New("Loops", "", fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range []model.SurfaceElement{
		{Name: "Payment provider", Kind: model.KindThirdParty},
		{Name: "Ledger", Kind: model.KindDataStore},
		{Name: "Provider to itself", Kind: model.KindDataFlow, Source: "SE-001", Target: "SE-001"},
		{Name: "Provider to ledger", Kind: model.KindDataFlow, Source: "SE-001", Target: "SE-002"},
	} {
		if _, err := m.PutElement(e, fixedNow); err != nil {
			t.Fatal(err)
		}
	}
	data, err := export.JSON(m)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "loops.json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	db := tempDB(t)
	r := runCLI(t, db, "", "import", path)
	if r.code != exitOK || !strings.HasPrefix(r.stdout, "Imported ") {
		t.Fatalf("exit %d, stdout %q, stderr %q", r.code, r.stdout, r.stderr)
	}
	want := `threatdeck: warning: loops.json: data flow SE-003 "Provider to itself" goes from SE-001 back to itself; give it another end` + "\n"
	if r.stderr != want {
		t.Errorf("stderr %q, want %q", r.stderr, want)
	}
	// Nothing is lost: the flow is stored as the file had it.
	out := runCLI(t, db, "", "export", "Loops", "--format", "json").ok(t)
	back, err := export.ParseJSON([]byte(out.stdout))
	if err != nil {
		t.Fatal(err)
	}
	if e, ok := back.Element("SE-003"); !ok || !e.SelfLoop() {
		t.Errorf("SE-003 = %+v", e)
	}
	// A file without one imports quietly.
	m.Surface = m.Surface[:2]
	data, _ = export.JSON(m)
	runCLI(t, db, string(data), "import", "-").ok(t)
}
