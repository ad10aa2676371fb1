package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/threatdeck/threatdeck/export"
)

// reviewBench opens a 10,000-threat model on the Review step at 120×40,
// the report preview beside the missing list, with its first render done.
func reviewBench(b *testing.B) *app {
	wb := &memWorkbook{m: cloneBig(bigModel(b))}
	a := newApp(Options{Workbook: wb, ModelID: "bench", Clock: func() time.Time { return coreNow }, NoColor: true, Render: export.Markdown})
	a.timer.every = 0
	a.Update(tea.WindowSizeMsg{Width: 120, Height: 40})
	a.Update(openModel(wb, "bench"))
	_, cmd := a.Update(coreKey(itoa(int(StepReview) + 1)))
	drain(a, cmd, func(m tea.Msg) { _, c := a.Update(m); drain(a, c, func(tea.Msg) {}) })
	return a
}

// BenchmarkReviewKeyPress is one key on the Review step and the frame
// drawn: the preview is laid out in commands, so a move costs a move.
func BenchmarkReviewKeyPress(b *testing.B) {
	a := reviewBench(b)
	keys := []tea.KeyPressMsg{coreKey("j"), coreKey("k")}
	i := 0
	for b.Loop() {
		a.Update(keys[i%2])
		_ = a.View()
		i++
	}
}

// BenchmarkReviewAfterEdit is what the UI goroutine spends when an edit
// (an asset renamed, as a live edit arrives) changes the model under the
// Review step: the page hears of it and the frame is drawn. Rendering the
// report belongs to the command this returns, which is not run here.
func BenchmarkReviewAfterEdit(b *testing.B) {
	a := reviewBench(b)
	p := a.page().(*reviewPage)
	names := []string{"Renamed asset", "Asset number 0"}
	i := 0
	for b.Loop() {
		as, _ := a.s.m.Asset("AS-001")
		as.Name = names[i%2]
		ch, err := a.s.m.PutAsset(as, coreNow)
		if err != nil {
			b.Fatal(err)
		}
		a.s.changedBy(ch.Do)
		p.rendering = 0 // as if the last render had come back
		a.Update(modelChangedMsg{})
		_ = a.View()
		i++
	}
}
