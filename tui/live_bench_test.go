package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/model"
)

// liveBenchWorkbook is the in-memory workbook made live, for measuring the
// receiving side alone.
type liveBenchWorkbook struct {
	*memWorkbook
	ch chan model.LiveEvent
}

func (w liveBenchWorkbook) Me() model.Participant {
	return model.Participant{Name: "ann", Role: model.RoleParticipant, Session: "ann-1"}
}
func (w liveBenchWorkbook) Events() <-chan model.LiveEvent { return w.ch }
func (w liveBenchWorkbook) Announce(model.Presence) error  { return nil }

// BenchmarkLiveEditDrawn measures a participant's side of one committed
// edit: the event handled (applied to a 10,000-threat model, the page told)
// and the next frame drawn at 120×40, on the Threats step — the part of
// the "edit committed → drawn on every screen" budget that is the
// TUI's.
func BenchmarkLiveEditDrawn(b *testing.B) {
	m := bigModel(b)
	wb := liveBenchWorkbook{memWorkbook: &memWorkbook{m: cloneBig(m)}, ch: make(chan model.LiveEvent, 1)}
	a := newApp(Options{Workbook: wb, ModelID: "bench", Clock: func() time.Time { return coreNow }, NoColor: true})
	a.timer.every = 0
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	a.Update(openModel(wb, "bench"))
	a.Update(coreKey("f")) // detached: only the edit is measured
	a.Update(coreKey(itoa(int(StepThreats) + 1)))
	t := m.Threats[42]
	var seq uint64
	for b.Loop() {
		seq++
		t.Likelihood = int(seq%5) + 1
		e := model.Edit{Label: "Saved threat " + t.ID, By: "fran", At: coreNow, Records: []model.Record{{Kind: model.RecThreat, ID: t.ID, Value: t}}}
		a.Update(liveMsg{events: []model.LiveEvent{{Kind: model.EventEdit, ModelID: "bench", Seq: seq, Edit: &e}}})
		_ = a.View()
	}
}
