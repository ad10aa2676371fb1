package tui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
)

// BenchmarkThreatsKeyPress measures one key press on the Threats step of a
// 10,000-threat model, handled and drawn (app.Update + app.View), at both
// reference sizes. The spec's budget is 2 ms. Keys cycle so every
// iteration starts from a comparable state.
func BenchmarkThreatsKeyPress(b *testing.B) {
	m := bigModel(b)
	benches := []struct {
		name  string
		setup []string
		keys  []string
	}{
		{"cursor", nil, []string{"j", "j", "k", "k"}},
		{"page", nil, []string{"pgdown", "pgdown", "pgup", "pgup"}},
		{"end", nil, []string{"G", "g"}},
		{"filter-keystroke", []string{"/"}, []string{"9", "backspace"}},
		{"filter-category", nil, []string{"c"}},
		{"filter-status", nil, []string{"s"}},
		{"sort", nil, []string{"o"}},
		{"toggle", nil, []string{"space"}},
		{"toggle-sorted-by-title", []string{"o", "o"}, []string{"space"}},
		{"detail", nil, []string{"enter", "esc"}},
	}
	for _, size := range [][2]int{{80, 24}, {120, 40}} {
		for _, bc := range benches {
			b.Run(bc.name+"/"+itoa(size[0])+"x"+itoa(size[1]), func(b *testing.B) {
				wb := &memWorkbook{m: cloneBig(m)}
				a := newApp(Options{Workbook: wb, ModelID: "bench", Clock: func() time.Time { return coreNow }, NoColor: true})
				a.timer.every = 0
				a.Update(tea.WindowSizeMsg{Width: size[0], Height: size[1]})
				a.Update(openModel(wb, "bench"))
				a.Update(coreKey(itoa(int(StepThreats) + 1)))
				for _, k := range bc.setup {
					a.Update(coreKey(k))
				}
				keys := make([]tea.KeyPressMsg, len(bc.keys))
				for i, k := range bc.keys {
					keys[i] = coreKey(k)
				}
				_ = a.View()
				i := 0
				for b.Loop() {
					a.Update(keys[i%len(keys)])
					_ = a.View()
					i++
				}
				a.s.writes.wait()
			})
		}
	}
}
