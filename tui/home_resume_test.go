package tui

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// listCounter counts List calls: summarising every model decodes each in
// full, which a resume must not pay for before its first frame.
type listCounter struct {
	*store.Store
	lists int
}

func (w *listCounter) List() ([]model.Summary, error) {
	w.lists++
	return w.Store.List()
}

// oneModelWorkbook is a real workbook in t.TempDir() holding one model.
func oneModelWorkbook(t *testing.T) (st *store.Store, id string) {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "wb.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	m, err := model.New("Payments API", "Ana", scrNow)
	if err != nil {
		t.Fatal(err)
	}
	if id, err = st.Create(m); err != nil {
		t.Fatal(err)
	}
	return st, id
}

func TestResumeOpensWithoutListing(t *testing.T) {
	st, id := oneModelWorkbook(t)
	wb := &listCounter{Store: st}
	a := newApp(Options{Workbook: wb, NoColor: true})

	// No position yet: the list is what the user sees.
	if msg, ok := a.home.load("", true)().(homeMsg); !ok || len(msg.models) != 1 || wb.lists != 1 {
		t.Fatalf("first start: %T %+v after %d lists", msg, msg, wb.lists)
	}

	if err := st.SetPosition(model.Position{ModelID: id, Step: StepThreats.Name()}); err != nil {
		t.Fatal(err)
	}
	wb.lists = 0
	msg := a.home.load("", true)()
	if opened, ok := msg.(openedMsg); !ok || opened.m.Overview.Title != "Payments API" {
		t.Fatalf("resume gave %T %+v", msg, msg)
	}
	if wb.lists != 0 {
		t.Errorf("resume listed the workbook %d times", wb.lists)
	}

	// A position naming a deleted model falls back to the list, quietly.
	if err := st.Delete(id); err != nil {
		t.Fatal(err)
	}
	if hm, ok := a.home.load("", true)().(homeMsg); !ok || hm.err != nil || len(hm.models) != 0 {
		t.Errorf("stale position: %T %+v", hm, hm)
	}
	// Asking for a model that is not there says so.
	if hm, ok := a.home.load("42", true)().(homeMsg); !ok || hm.err == nil {
		t.Errorf("missing --model: %T %+v", hm, hm)
	}
}

// failingLoad is a workbook whose models exist but will not load.
type failingLoad struct{ *store.Store }

func (failingLoad) Load(string) (*model.Model, error) {
	return nil, errors.New("record threat/T-007 is damaged")
}

func TestResumeIntoUnreadableModelShowsWhy(t *testing.T) {
	st, id := oneModelWorkbook(t)
	if err := st.SetPosition(model.Position{ModelID: id}); err != nil {
		t.Fatal(err)
	}
	a := newApp(Options{Workbook: failingLoad{st}, NoColor: true})
	hm, ok := a.home.load("", true)().(homeMsg)
	if !ok || len(hm.models) != 1 || hm.err == nil || !strings.Contains(hm.err.Error(), "T-007 is damaged") {
		t.Fatalf("got %T %+v", hm, hm)
	}
}
