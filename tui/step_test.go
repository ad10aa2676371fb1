package tui

import (
	"slices"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// The walk is the one list of steps: every step has a complete entry
// (name, label, section, page), every model section is filled in by
// exactly one step, and the tabs and number keys follow the walk.
func TestWalkIsTheOneListOfSteps(t *testing.T) {
	if len(Steps) != int(stepCount) {
		t.Fatalf("Steps has %d steps, the walk %d", len(Steps), stepCount)
	}
	h := openHarness(t, scrGoldenModel(t), 200, 40)
	names, sections := map[string]Step{}, map[model.Section]Step{}
	for i, s := range Steps {
		e := walk[s]
		if s != Step(i) {
			t.Errorf("Steps[%d] is %v", i, s)
		}
		if e.name == "" || e.label == "" || e.build == nil {
			t.Errorf("step %d has no name, label or page: %+v", i, e)
			continue
		}
		if prev, dup := names[e.name]; dup {
			t.Errorf("steps %v and %v are both named %q", prev, s, e.name)
		}
		names[e.name] = s
		if got, ok := ParseStep(e.name); !ok || got != s {
			t.Errorf("ParseStep(%q) = %v, %v", e.name, got, ok)
		}
		if prev, dup := sections[e.section]; dup {
			t.Errorf("steps %v and %v both fill in %v", prev, s, e.section)
		}
		sections[e.section] = s
		if StepFor(e.section) != s {
			t.Errorf("StepFor(%v) = %v, want %v", e.section, StepFor(e.section), s)
		}
		if e.kind != "" && !slices.Contains(model.RecordKinds, e.kind) {
			t.Errorf("step %v lists records of unknown kind %q", s, e.kind)
		}
		if h.a.pageFor(s) == nil {
			t.Errorf("step %v builds no page", s)
		}
	}
	for _, sec := range model.AllSections {
		if _, ok := sections[sec]; !ok {
			t.Errorf("no step fills in %v", sec)
		}
	}
	// One tab per step, labelled from the walk.
	parts, _ := h.a.tabParts()
	if len(parts) != len(Steps) {
		t.Fatalf("%d tabs for %d steps", len(parts), len(Steps))
	}
	for i, s := range Steps {
		h.wantScreen(itoa(i+1) + " " + s.String())
	}
	// The number keys follow the walk, and the help names them all.
	g := h.a.keys.Global
	if want := min(len(Steps), 9); len(g.Steps) != want {
		t.Fatalf("%d number keys for %d steps", len(g.Steps), len(Steps))
	}
	for i, b := range g.Steps {
		n := itoa(i + 1)
		if !slices.Equal(b.Keys(), []string{n}) || !slices.Contains(g.StepKeys.Keys(), n) {
			t.Errorf("step %v: key %v, help keys %v, want %q", Steps[i], b.Keys(), g.StepKeys.Keys(), n)
		}
		h.press(n)
		if h.a.step != Steps[i] {
			t.Errorf("%s shows %v, want %v", n, h.a.step, Steps[i])
		}
	}
	if len(g.StepKeys.Keys()) != len(g.Steps) {
		t.Errorf("the help's step keys %v are not the number keys", g.StepKeys.Keys())
	}
}
