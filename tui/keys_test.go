package tui

import (
	"slices"
	"strings"
	"testing"

	"charm.land/bubbles/v2/key"

	"github.com/threatdeck/threatdeck/model"
)

// The help bar is built from the same bindings the handlers match. This
// test closes the loop: every binding the help shows on a core screen
// (list, form, delete question, filter, home) is pressed on a fresh
// session and must visibly do something; and a binding with no check
// here fails the test, so help cannot grow an entry nobody handles.
func TestHelpListsOnlyHandledBindings(t *testing.T) {
	type state struct {
		name  string
		setup func(h *harness)
	}
	states := []state{
		// Three surface elements, cursor on the middle one: every move moves.
		{"list", func(h *harness) { h.goTo(StepSurface); h.press("j") }},
		{"form", func(h *harness) { h.goTo(StepAssets); h.press("e") }},
		// AS-002 is confidential: both up and down change the choice.
		{"form on a choice", func(h *harness) { h.goTo(StepAssets); h.press("j", "e", "tab", "tab") }},
		{"form on a text area", func(h *harness) { h.goTo(StepAssets); h.press("e", "tab") }},
		// A multi-select whose filter has text: space types, enter picks.
		{"form on a filtered multi-select", func(h *harness) {
			h.goTo(StepThreats)
			h.press("a")
			h.typeText("Replay")
			for range 8 { // to Attack surface
				h.press("tab")
			}
			h.typeText("a")
			h.press("down")
		}},
		{"delete question", func(h *harness) { h.goTo(StepAssets); h.press("d") }},
		{"filter", func(h *harness) { h.goTo(StepAssets); h.press("/") }},
		{"overview", func(h *harness) {}},
		{"parking lot", func(h *harness) {
			for _, idea := range []string{"one", "two", "three"} {
				h.press("p")
				h.typeText(idea)
				h.press("enter")
			}
			h.press("L", "j")
		}},
		{"model list", func(h *harness) {
			for _, title := range []string{"Second", "Third"} {
				m, _ := model.New(title, "", coreNow)
				if _, err := h.st.Create(m); err != nil {
					h.t.Fatal(err)
				}
			}
			h.press("ctrl+o", "j")
		}},
	}
	for _, s := range states {
		t.Run(s.name, func(t *testing.T) {
			h := newHarness(t, []int{120, 40}, nil)
			h.seed(fixtureModel(t))
			s.setup(h)
			short, full := h.a.helpBindings()
			shown := slices.Concat(append(full, short)...)
			if len(shown) == 0 {
				t.Fatal("no help")
			}
			seen := map[string]bool{}
			for _, b := range shown {
				hk := b.Help().Key
				if seen[hk] {
					continue
				}
				seen[hk] = true
				if !b.Enabled() || len(b.Keys()) == 0 {
					t.Errorf("help shows %q but it has no keys", hk)
					continue
				}
				// Some key of the binding must act ("1-9" stays put on
				// step 1, but 2 moves).
				acted := false
				for _, k := range b.Keys() {
					f := newHarness(t, []int{120, 40}, nil)
					f.seed(fixtureModel(t))
					s.setup(f)
					before := snapshot(f)
					f.press(k)
					if snapshot(f) != before {
						acted = true
						break
					}
				}
				if !acted {
					t.Errorf("help shows %q (%s) but none of its keys %v changes anything", hk, b.Help().Desc, b.Keys())
				}
			}
		})
	}
}

// snapshot is everything a key could change: the frame (with cursor), the step,
// quitting, the timer and the stored model.
func snapshot(h *harness) string {
	var b strings.Builder
	// The raw frame: a cursor move shows only in its attributes.
	b.WriteString(h.a.render())
	b.WriteString(h.a.step.Name())
	if h.a.quitting {
		b.WriteString("quitting")
	}
	if h.a.timer.running {
		b.WriteString("running")
	}
	if h.a.s != nil {
		b.WriteString(h.a.s.m.Overview.Updated.String())
		b.WriteString(itoa(len(h.a.undo)))
	}
	return b.String()
}

// The global keys never collide with one another, and no list key shadows
// a global one (it would never be reached).
func TestKeyMapHasNoCollisions(t *testing.T) {
	k := DefaultKeyMap()
	owner := map[string]string{}
	claim := func(group string, bs ...key.Binding) {
		for _, b := range bs {
			for _, kk := range b.Keys() {
				if prev, dup := owner[kk]; dup && prev != group+"/"+b.Help().Desc {
					t.Errorf("key %q is bound to %q and %q", kk, prev, group+"/"+b.Help().Desc)
				}
				owner[kk] = group + "/" + b.Help().Desc
			}
		}
	}
	g := k.Global
	claim("global", g.NextStep, g.PrevStep, g.Help, g.Quit, g.ForceQuit, g.Undo, g.Park, g.ParkingLot, g.Presenter, g.Timer, g.TimerReset, g.Timebox, g.Models)
	claim("global", g.Steps[:]...)
	l := k.List
	claim("list", l.Up, l.Down, l.PageUp, l.PageDown, l.Home, l.End, l.Open, l.Back, l.Add, l.Edit, l.Delete, l.Filter, l.Toggle)
}
