package tui

import (
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// In accessible mode a form puts every label on its own line, shows every
// value whole (long text wraps, text areas grow, chosen options are listed
// in full) and keeps every line of a hint indented under its field.
func TestAccessibleFormsNeverCutValues(t *testing.T) {
	long := strings.Repeat("tokenised card number vault reference ", 6) + "END"
	m := scrModel(t)
	a, _ := m.Asset("AS-001")
	a.Name = strings.TrimSpace(long[:model.MaxTitle/2]) + " NAMEEND"
	a.Description = strings.Repeat("line of description\n", 9) + "DESCEND"
	if _, err := m.PutAsset(a, scrNow); err != nil {
		t.Fatal(err)
	}
	for _, size := range [][2]int{{80, 40}, {100, 30}} {
		h := openHarness(t, m, size[0], size[1])
		h.a.s.accessible = true
		h.goTo(StepAssets)
		h.press("e")
		screen := h.body()
		for _, want := range []string{"Name *:", "NAMEEND", "DESCEND", "Sensitivity:", "Restricted"} {
			if !strings.Contains(screen, want) {
				t.Errorf("%dx%d: form lacks %q:\n%s", size[0], size[1], want, screen)
			}
		}
		lines := strings.Split(screen, "\n")
		for i, l := range lines {
			if strings.Contains(l, "…") {
				t.Errorf("%dx%d: line %d is cut: %q", size[0], size[1], i, l)
			}
			if strings.Contains(l, "Name *:") && strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(l), ">")) != "Name *:" {
				t.Errorf("%dx%d: the label shares its line: %q", size[0], size[1], l)
			}
		}
		// The export path's hint wraps at 80 columns; each of its lines
		// is indented under the field.
		h.press("esc", "9", "x")
		var hint []string
		for _, l := range strings.Split(h.body(), "\n") {
			if strings.Contains(l, "Relative paths") || (len(hint) > 0 && strings.Contains(l, "your home")) {
				hint = append(hint, l)
			}
		}
		if size[0] == 80 && len(hint) < 2 {
			t.Errorf("%dx%d: the hint should wrap: %q\n%s", size[0], size[1], hint, h.body())
		}
		for _, l := range hint {
			if !strings.HasPrefix(l, "  ") || strings.HasPrefix(l, "   ") {
				t.Errorf("%dx%d: hint line not indented: %q", size[0], size[1], l)
			}
		}
	}
}
