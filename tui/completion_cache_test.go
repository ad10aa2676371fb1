package tui

import (
	"reflect"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// Local edits update the cached completion by the threats they touched,
// as live edits do: after each, the header's figures are the model's.
func TestLocalEditsKeepCompletion(t *testing.T) {
	tests := []struct {
		name string
		keys []string
	}{
		{"toggle status", []string{"space"}},
		{"toggle round", []string{"space", "space", "space", "space", "space"}},
		{"toggle two threats", []string{"space", "j", "space", "j", "space"}},
		{"toggle then undo", []string{"space", "j", "space", "u", "u"}},
		{"delete", []string{"j", "d", "y"}},
		{"delete then undo", []string{"d", "y", "u"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newHarness(t, []int{120, 40}, nil)
			m := sizedModel(t, 12)
			m.Threats[0].Mitigations = []model.Mitigation{{ID: "M-001", Description: "Rate limit", Status: model.MitigationPlanned}}
			m.Seq[model.PrefixMitigation] = 1
			h.seed(m)
			h.goTo(StepThreats)
			for _, k := range tc.keys {
				h.press(k)
				h.a.render()
				if got, want := h.a.s.completion(), h.a.s.m.Completion(); !reflect.DeepEqual(got, want) {
					t.Fatalf("after %q: cached completion %v, model's %v", k, got, want)
				}
				if got, want := h.a.s.overall(), h.a.s.m.Overall(); got != want {
					t.Fatalf("after %q: header says %d%% done, the model %d%%", k, got, want)
				}
			}
			if got, want := h.stored().Completion(), h.a.s.m.Completion(); !reflect.DeepEqual(got, want) {
				t.Fatalf("saved completion %v, shown %v", got, want)
			}
		})
	}
}
