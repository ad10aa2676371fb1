package tui

import (
	"bytes"
	"os"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// A workbook with one damaged model: the home list shows it as damaged
// with the reason and says the workbook is read-only; enter on it explains
// instead of opening; the healthy model beside it opens normally.
func TestHomeListsDamagedModels(t *testing.T) {
	h := newHarness(t, nil, nil)
	broken, err := model.New("Broken model", "Ana", coreNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := broken.PutThreat(model.Threat{Title: "Token replay", Category: model.Spoofing, Likelihood: 3, Impact: 3}, coreNow); err != nil {
		t.Fatal(err)
	}
	healthy, _ := model.New("Healthy model", "Bo", coreNow)
	for _, m := range []*model.Model{broken, healthy} {
		if _, err := h.st.Create(m); err != nil {
			t.Fatal(err)
		}
	}
	h.st.Close()
	data, err := os.ReadFile(h.path)
	if err != nil {
		t.Fatal(err)
	}
	at := bytes.Index(data, []byte("Token replay"))
	if at < 0 {
		t.Fatal("threat text not in the file")
	}
	data[at] ^= 0x20
	if err := os.WriteFile(h.path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	h.openStore()
	h.wb = nil
	h.start(nil)

	h.wantScreen("Broken model (damaged)", "Healthy model", "Read-only:", `Model 1 “Broken model”: threat "T-001" fails its checksum`)
	h.press("enter") // the damaged model is first
	h.wantScreen("Model 1 is damaged", "threatdeck salvage DEST")
	if h.a.s != nil {
		t.Fatal("the damaged model was opened")
	}
	h.press("down", "enter")
	if h.a.s == nil || h.a.s.m.Overview.Title != "Healthy model" {
		t.Fatalf("the healthy model did not open:\n%s", h.screen())
	}
	if now, _ := os.ReadFile(h.path); !bytes.Equal(now, data) {
		t.Error("the damaged workbook was written")
	}
}
