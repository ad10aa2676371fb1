package tui

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/model"
)

// where finds text on the screen: its line and the cell it starts at.
func where(t *testing.T, screen, text string) (x, y int) {
	t.Helper()
	for i, l := range strings.Split(screen, "\n") {
		if at := strings.Index(l, text); at >= 0 {
			return ansi.StringWidth(l[:at]), i
		}
	}
	t.Fatalf("%q is not on the screen:\n%s", text, screen)
	return 0, 0
}

func click(x, y int) tea.MouseClickMsg {
	return tea.MouseClickMsg{X: x, Y: y, Button: tea.MouseLeft}
}

// Clicking a step's tab shows that step; clicking a list row selects it,
// wherever the page draws its list, at both reference sizes.
func TestMouseClicksSelect(t *testing.T) {
	for _, size := range [][]int{{80, 24}, {120, 40}} {
		t.Run(itoa(size[0])+"x"+itoa(size[1]), func(t *testing.T) {
			h := newHarness(t, size, nil)
			h.seed(fixtureModel(t))
			x, y := where(t, h.screen(), "Surface")
			h.send(click(x+1, y))
			if h.a.step != StepSurface {
				t.Fatalf("the click on the Surface tab showed %v", h.a.step)
			}
			x, y = where(t, h.screen(), "Payments DB")
			h.send(click(x, y))
			if got := h.a.page().Selected(); got != "SE-002" {
				t.Fatalf("the click on Payments DB selected %q:\n%s", got, h.screen())
			}
			x, y = where(t, h.screen(), "API to DB")
			h.send(click(x, y))
			if got := h.a.page().Selected(); got != "SE-003" {
				t.Fatalf("the click on API to DB selected %q", got)
			}
			// A click outside the rows (the intro) changes nothing.
			h.send(click(2, 3))
			if got := h.a.page().Selected(); got != "SE-003" {
				t.Fatalf("a click on the intro selected %q", got)
			}

			// The checklist draws its list under its tabs.
			x, y = where(t, h.screen(), "Controls")
			h.send(click(x, y))
			if h.a.step != StepChecklists {
				t.Fatalf("the click on the Controls tab showed %v", h.a.step)
			}
			x, y = where(t, h.screen(), "Rate limiting")
			h.send(click(x, y))
			c, ok := h.a.s.m.Check(h.a.page().Selected())
			if !ok || c.Title != "Rate limiting" {
				t.Fatalf("the click on Rate limiting selected %+v", c)
			}

			// A form has the keys: a tab click does not drop what is typed.
			h.press("e")
			h.typeText(" (login)")
			x, y = where(t, h.screen(), "Overview")
			h.send(click(x, y))
			if h.a.step != StepChecklists || !strings.Contains(h.screen(), "(login)") {
				t.Fatalf("a tab click left the open form:\n%s", h.screen())
			}
		})
	}
	t.Run("threats table", func(t *testing.T) {
		m := fixtureModel(t)
		for _, title := range []string{"Card testing", "Webhook replay", "Log leak"} {
			if _, err := m.PutThreat(model.Threat{Title: title, Category: model.Spoofing}, coreNow); err != nil {
				t.Fatal(err)
			}
		}
		h := newHarness(t, []int{80, 24}, nil)
		h.seed(m)
		h.goTo(StepThreats)
		x, y := where(t, h.screen(), "Log leak")
		h.send(click(x, y))
		if got := h.a.page().Selected(); got != "T-003" {
			t.Fatalf("the click on Log leak selected %q:\n%s", got, h.screen())
		}
		x, y = where(t, h.screen(), "Card testing")
		h.send(click(x, y))
		if got := h.a.page().Selected(); got != "T-001" {
			t.Fatalf("the click on Card testing selected %q", got)
		}
		// The header is no row.
		x, y = where(t, h.screen(), "Title")
		h.send(click(x, y))
		if got := h.a.page().Selected(); got != "T-001" {
			t.Fatalf("a click on the header selected %q", got)
		}
	})
	t.Run("model list", func(t *testing.T) {
		h := newHarness(t, []int{80, 24}, nil)
		for _, title := range []string{"First", "Second", "Third"} {
			m, _ := model.New(title, "", coreNow)
			if _, err := h.st.Create(m); err != nil {
				t.Fatal(err)
			}
		}
		h.restart(80, 24)
		x, y := where(t, h.screen(), "Third")
		h.send(click(x, y))
		if got := h.a.home.ls.Selected(); got != "3" {
			t.Fatalf("the click on Third selected %q:\n%s", got, h.screen())
		}
	})
}

// A list whose page does not say where it draws it ignores clicks rather
// than selecting a row it guessed.
func TestListIgnoresClicksWithoutItsPlace(t *testing.T) {
	h := newHarness(t, []int{80, 24}, nil)
	h.seed(fixtureModel(t))
	l := newList(h.a.s, []column{{Title: "Name"}}, "none")
	l.setItems([]listItem{newListItem("a", "A"), newListItem("b", "B"), newListItem("c", "C")})
	_ = l.Render(40, 10)
	for y := range 6 {
		if l.Update(click(2, y)) {
			t.Fatalf("a click at line %d was taken", y)
		}
	}
	l.top = 0
	_ = l.Render(40, 10)
	if !l.Update(click(2, 3)) || l.Selected() != "c" {
		t.Fatalf("with its place known, the click on line 3 selected %q", l.Selected())
	}
}
