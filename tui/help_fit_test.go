package tui

import (
	"testing"

	"charm.land/bubbles/v2/key"
	"charm.land/lipgloss/v2"
)

// shortHelpLinear is the help bar's fitting as it was, one binding
// dropped at a time: the binary search must find the same bar.
func (a *app) shortHelpLinear(bs []key.Binding, width int) string {
	out := a.help.ShortHelpView(bs)
	for n := len(bs) - 1; lipgloss.Width(out) > width && n > 0; n-- {
		out = a.help.ShortHelpView(bs[:n]) + a.styles.Help.Ellipsis.Render(" "+a.help.Ellipsis)
	}
	return truncate(out, width)
}

func TestShortHelpFitsAsBefore(t *testing.T) {
	a := newApp(Options{Workbook: &memWorkbook{}, NoColor: true})
	p := newThreatsPage(newSession(a.opts, sizedModel(t, 3), a.styles, a.keys)).(*threatsPage)
	disabled := key.NewBinding(key.WithKeys("x"), key.WithHelp("x", "gone"), key.WithDisabled())
	sets := map[string][]key.Binding{
		"threats":       p.ShortHelp(),
		"with disabled": append([]key.Binding{disabled}, append(p.ShortHelp(), disabled)...),
		"one":           p.ShortHelp()[:1],
		"none":          nil,
	}
	for name, bs := range sets {
		for width := 0; width <= 200; width++ {
			if got, want := a.shortHelp(bs, width), a.shortHelpLinear(bs, width); got != want {
				t.Fatalf("%s at %d: %q, want %q", name, width, got, want)
			}
		}
	}
}
