package tui

import (
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

func TestChecklistToggleControl(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepChecklists)
	first := model.ChecklistCatalog(model.ListControls)[0]
	h.wantScreen("Security Controls 0/", "Testing & Validation", "Compliance", first.Group, first.Title)
	h.press("space")
	c, _ := h.stored().Check(first.ID)
	if c.State != model.StateDone {
		t.Fatalf("state %q", c.State)
	}
	h.wantScreen("[x] Done", "Security Controls 1/")
	if p := h.m().SectionProgress(model.SecChecklists); p.Done != 1 {
		t.Fatalf("progress %+v", p)
	}
	// The note goes with the item.
	h.press("n")
	h.typeText("bcrypt, 10 rounds")
	h.press("ctrl+s")
	if c, _ := h.stored().Check(first.ID); c.Note != "bcrypt, 10 rounds" {
		t.Fatalf("note %q", c.Note)
	}
}

func TestChecklistCustomItems(t *testing.T) {
	h := openHarness(t, scrModel(t))
	h.goTo(StepChecklists)
	h.press("]") // Testing & Validation
	h.wantScreen(model.ChecklistCatalog(model.ListTesting)[0].Title)

	// Catalog items are not deleted: the status line says what to do instead.
	h.press("d")
	h.wantScreen("mark them not applicable")
	if pageOf[*checklistPage](h).confirm != nil {
		t.Fatal("asked to delete a catalog item")
	}

	h.press("a")
	h.wantScreen("New Testing & Validation item")
	h.press("ctrl+s")
	h.wantScreen("Title is required")
	h.typeText("Fuzz the webhook parser")
	h.press("ctrl+s")
	var added model.CheckItem
	for _, c := range h.stored().Checklist(model.ListTesting) {
		if c.Title == "Fuzz the webhook parser" {
			added = c
		}
	}
	if added.ID == "" || added.List != model.ListTesting {
		t.Fatalf("custom item not stored: %+v", added)
	}
	if got := pageOf[*checklistPage](h).Selected(); got != added.ID {
		t.Fatalf("cursor on %s, want %s", got, added.ID)
	}
	h.wantScreen("(team item)")

	h.press("d")
	h.wantScreen("Delete “Fuzz the webhook parser”?")
	h.press("y")
	if _, ok := h.stored().Check(added.ID); ok {
		t.Fatal("custom item not deleted")
	}
}

func TestChecklistGolden(t *testing.T) {
	runScrGoldens(t, []scrGolden{
		{"Controls", []string{"8"}},
		{"Testing", []string{"8", "]", "G"}},
	})
}
