package tui

import (
	"testing"

	tea "charm.land/bubbletea/v2"
)

// A key pressed in the same input burst as a form submit is not lost: the
// keys arrive back to back, before the save's result, and every one of
// them must act once the save lands.
func TestBurstAfterSubmitLosesNoKey(t *testing.T) {
	tests := []struct {
		name string
		// keys are delivered with no command run in between.
		keys []string
		// assets is how many assets the model has afterwards.
		assets int
		// editing is the form left open: "new", an id, or "" for none.
		editing string
	}{
		{"enter then a", []string{"enter", "a"}, 3, "new"},
		{"ctrl+s then e", []string{"ctrl+s", "e"}, 3, "AS-003"},
		{"enter then k then e", []string{"enter", "k", "e"}, 3, "AS-002"},
		{"two forms in one burst", []string{"enter", "a", "N", "e", "x", "t", "enter", "e"}, 4, "AS-004"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil, nil)
			h.seed(fixtureModel(t))
			h.goTo(StepAssets)
			h.press("a")
			h.typeText("Vault keys")
			var cmds []tea.Cmd
			for _, k := range tc.keys {
				_, cmd := h.a.Update(coreKey(k))
				cmds = append(cmds, cmd)
			}
			for _, cmd := range cmds {
				h.run(cmd)
			}
			p := h.a.page().(*entityPage)
			if got := len(h.stored().Assets); got != tc.assets {
				t.Fatalf("%d assets stored, want %d", got, tc.assets)
			}
			switch {
			case tc.editing == "new" && (p.form == nil || p.editing != ""):
				t.Fatalf("no add form open:\n%s", h.screen())
			case tc.editing != "new" && tc.editing != "" && (p.form == nil || p.editing != tc.editing):
				t.Fatalf("editing %q (form open %v), want %s:\n%s", p.editing, p.form != nil, tc.editing, h.screen())
			}
			if len(h.a.held) != 0 || h.a.s.busy != 0 {
				t.Fatalf("%d keys still held, %d saves busy", len(h.a.held), h.a.s.busy)
			}
		})
	}
}

// Keys typed while the home screen opens or creates a model wait for the
// model and act there: "Enter, title, Enter, 2, a, name, Enter" typed in
// one go makes the model and its first asset.
func TestBurstWhileOpeningLosesNoKey(t *testing.T) {
	tests := []struct {
		name string
		// keys are pressed first, each settled.
		keys []string
		// then is delivered back to back: "\r" is enter, other parts are
		// typed a key a rune.
		then []string
	}{
		{"new model then an asset", []string{"enter"}, []string{"Burst Model", "\r", "2", "a", "Asset typed ahead", "\r"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, nil, nil)
			h.press(tc.keys...)
			var cmds []tea.Cmd
			deliver := func(k string) {
				_, cmd := h.a.Update(coreKey(k))
				cmds = append(cmds, cmd)
			}
			for _, part := range tc.then {
				switch part {
				case "\r":
					deliver("enter")
				case "2", "a":
					deliver(part)
				default:
					for _, r := range part {
						deliver(string(r))
					}
				}
			}
			for _, cmd := range cmds {
				h.run(cmd)
			}
			if h.a.s == nil {
				t.Fatalf("no model opened:\n%s", h.screen())
			}
			h.a.s.writes.wait()
			m, err := h.st.Load(h.a.s.m.ID)
			if err != nil {
				t.Fatal(err)
			}
			if m.Overview.Title != "Burst Model" || len(m.Assets) != 1 || m.Assets[0].Name != "Asset typed ahead" {
				t.Fatalf("model %q with assets %+v:\n%s", m.Overview.Title, m.Assets, h.screen())
			}
			if len(h.a.held) != 0 || h.a.opening != 0 {
				t.Fatalf("%d keys still held, %d opens pending", len(h.a.held), h.a.opening)
			}
		})
	}
}
