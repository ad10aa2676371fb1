package tui

import (
	"path/filepath"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// previewWorkbook writes a model of n threats, with the fields a row
// shows varied (statuses, a methodology, an overdue and a future
// mitigation, parked items), resuming on its Threats step at item.
func previewWorkbook(t *testing.T, n int, item string) (*store.Store, string) {
	t.Helper()
	m := sizedModel(t, n)
	m.Threats[1].Methodology = "LINDDUN"
	m.Threats[2].Status = model.StatusMitigated
	m.Threats[3].Mitigations = []model.Mitigation{{ID: "M-001", Description: "Rotate keys", Status: model.MitigationPlanned, Due: "2025-01-31"}}
	m.Threats[4].Mitigations = []model.Mitigation{{ID: "M-002", Description: "Later", Status: model.MitigationPlanned, Due: "2030-01-31"},
		{ID: "M-003", Description: "Done", Status: model.MitigationImplemented}}
	m.Threats[5].Title = "A title long enough to be cut short by the table's title column at eighty columns wide"
	m.Seq[model.PrefixMitigation] = 3
	st, err := store.Open(filepath.Join(t.TempDir(), "workbook.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	id, err := st.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	pos := model.Position{ModelID: id, Step: StepThreats.Name(), Item: item}
	if err := st.SetPosition(pos); err != nil {
		t.Fatal(err)
	}
	return st, id
}

// previewApp starts an app on st as Run would, up to its first messages:
// the preview's and the load's, returned undelivered.
func previewApp(t *testing.T, st *store.Store, w, h int, color bool) (a *app, preview, load tea.Msg) {
	t.Helper()
	a = newApp(Options{Workbook: st, Clock: func() time.Time { return coreNow }, Location: time.UTC, NoColor: !color})
	a.timer.every = 0
	a.Update(tea.WindowSizeMsg{Width: w, Height: h})
	a.Init() // counts the open on its way
	preview = readPreview(st, st, "")
	if _, ok := preview.(previewedMsg); !ok {
		t.Fatalf("no preview: %#v", preview)
	}
	load = a.home.load("", true)()
	if _, ok := load.(openedMsg); !ok {
		t.Fatalf("the model did not open: %#v", load)
	}
	return a, preview, load
}

// The preview's frame is the frame the model draws once open, to the byte.
func TestPreviewFrameIsTheOpenedFrame(t *testing.T) {
	tests := []struct {
		name  string
		n     int
		item  string
		w, h  int
		color bool
	}{
		{"top of the table", 60, "", 120, 40, true},
		{"resumed on an item", 60, "T-045", 120, 40, true},
		{"narrow, no colour", 60, "T-004", 80, 24, false},
		{"large", 2000, "T-1500", 100, 30, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st, _ := previewWorkbook(t, tc.n, tc.item)
			a, preview, load := previewApp(t, st, tc.w, tc.h, tc.color)
			before := a.render()
			a.Update(preview)
			if a.preview == nil {
				t.Fatal("the preview is not shown")
			}
			got := a.render()
			if got == before {
				t.Fatal("the preview drew nothing new")
			}
			a.Update(load)
			if a.preview != nil || a.s == nil {
				t.Fatal("the opened model did not replace the preview")
			}
			if want := a.render(); got != want {
				t.Fatalf("preview frame\n%s\nopened frame\n%s", got, want)
			}
		})
	}
}

// Keys and clicks made on the preview wait for the whole model and act
// there, in order: none is lost, none acts on the preview.
func TestPreviewHoldsKeys(t *testing.T) {
	st, _ := previewWorkbook(t, 60, "")
	a, preview, load := previewApp(t, st, 120, 40, false)
	a.Update(preview)
	first := a.render()
	for _, k := range []string{"j", "j", "space"} {
		if _, cmd := a.Update(coreKey(k)); cmd != nil {
			t.Fatalf("key %q acted on the preview", k)
		}
	}
	if got := a.render(); got != first {
		t.Fatalf("the preview changed under held keys:\n%s", got)
	}
	if len(a.held) != 3 {
		t.Fatalf("%d keys held, want 3", len(a.held))
	}
	_, cmd := a.Update(load)
	if len(a.held) != 0 {
		t.Fatalf("%d keys still held after the model opened", len(a.held))
	}
	drain(a, cmd, func(msg tea.Msg) { a.Update(msg) })
	p := a.page().(*threatsPage)
	sel := p.Selected()
	th, _ := a.s.m.Threat(sel)
	if p.cursor != 2 || th.Status == model.StatusOpen {
		t.Fatalf("cursor %d on %s (%s): the held keys did not act on the opened model", p.cursor, sel, th.Status)
	}
	a.s.writes.wait()
	saved, err := st.Load(a.s.m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := saved.Threat(sel); got.Status != th.Status {
		t.Fatalf("saved status %q, shown %q", got.Status, th.Status)
	}
}

// A resume anywhere but the Threats step, or with nothing to resume,
// previews nothing: those screens show what a preview leaves out.
func TestPreviewOnlyThreats(t *testing.T) {
	st, id := previewWorkbook(t, 10, "")
	if err := st.SetPosition(model.Position{ModelID: id, Step: StepAssets.Name()}); err != nil {
		t.Fatal(err)
	}
	if msg := readPreview(st, st, ""); msg != nil {
		t.Fatalf("previewed the Assets step: %#v", msg)
	}
	if msg := readPreview(st, st, "99"); msg != nil {
		t.Fatalf("previewed a missing model: %#v", msg)
	}
}
