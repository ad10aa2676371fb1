package tui

import (
	"strings"
	"sync/atomic"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// collect runs cmd and the commands of its batches, and returns their
// messages without delivering them.
func collect(cmd tea.Cmd) []tea.Msg {
	if cmd == nil {
		return nil
	}
	switch msg := cmd().(type) {
	case nil:
		return nil
	case tea.BatchMsg:
		var out []tea.Msg
		for _, c := range msg {
			out = append(out, collect(c)...)
		}
		return out
	default:
		return []tea.Msg{msg}
	}
}

// Completion is worked out in Update when the model changes; drawing a
// frame only reads it. Every key of a walk that edits, undoes and moves
// between steps leaves nothing for View to compute, and what is drawn is
// the model's own completion.
func TestViewDoesNotComputeCompletion(t *testing.T) {
	h := openHarness(t, threatModel(t), 120, 40)
	keys := []string{"2", "a", "N", "e", "w", "enter", "6", "space", "j", "space", "u", "1", "e", "tab", "x", "ctrl+s", "9", "p", "i", "enter", "u", "u"}
	computed := false
	for _, k := range keys {
		h.press(k)
		runs := h.a.s.progRuns
		h.a.render()
		if h.a.s.progRuns != runs {
			t.Fatalf("after %q the frame worked out the completion", k)
		}
		computed = computed || runs > 1
	}
	if !computed {
		t.Fatal("no key changed the completion: the walk tests nothing")
	}
	h.goTo(StepOverview)
	h.wantScreen(itoa(h.m().Overall()) + "% overall")
}

// The review page never renders the report on the UI goroutine: Update
// hands a snapshot to a command, which renders it and answers with a
// message. A result for an older model is replaced by a render of the
// newer one.
func TestReviewRendersTheReportInACommand(t *testing.T) {
	var renders atomic.Int64
	h := newHarness(t, []int{120, 40}, func(o *Options) {
		o.Render = func(m *model.Model) []byte { renders.Add(1); return export.Markdown(m) }
	})
	h.seed(threatModel(t))
	h.goTo(StepReview)
	h.wantScreen("Report preview")
	p := pageOf[*reviewPage](h)

	// An edit elsewhere (here: a rename, as a live edit would arrive).
	rename := func(name string) {
		a, _ := h.m().Asset("AS-001")
		a.Name = name
		if _, err := h.m().PutAsset(a, coreNow); err != nil {
			t.Fatal(err)
		}
		h.a.s.changed()
	}
	rename("Card vault")
	before := renders.Load()
	_, first := h.a.Update(modelChangedMsg{})
	if renders.Load() != before {
		t.Fatal("Update rendered the report")
	}
	if first == nil {
		t.Fatal("no render started for the changed model")
	}
	// A second change while the first render is in flight.
	rename("Card safe")
	seq := p.renderSeq
	if _, gaps := h.a.Update(modelChangedMsg{}); p.renderSeq != seq || renders.Load() != before {
		t.Fatal("a second render started while one is in flight, or Update rendered")
	} else {
		h.run(gaps) // the missing list, worked out in its own command
	}
	msgs := collect(first)
	if renders.Load() != before+1 {
		t.Fatalf("the command rendered %d times, want once", renders.Load()-before)
	}
	// The older result is shown, then replaced by a render of the newer
	// model.
	for _, msg := range msgs {
		h.send(msg)
	}
	if got := renders.Load(); got != before+2 {
		t.Fatalf("%d renders after the stale result, want a second one", got-before)
	}
	if p.shownRev != h.a.s.rev {
		t.Fatal("the preview is not of the current model")
	}
	if !strings.Contains(string(p.md), "Card safe") || strings.Contains(string(p.md), "Card vault") {
		t.Fatalf("the preview is of an older model:\n%.400s", p.md)
	}
	// Keys that change nothing render nothing.
	n := renders.Load()
	h.press("j", "k", "pgdown", "pgup")
	if renders.Load() != n {
		t.Fatal("moving on the Review step rendered the report again")
	}
}
