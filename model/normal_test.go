package model

import (
	"bytes"
	"encoding/json"
	"testing"
	"time"
)

// TestNormalMatchesNormalize holds Normal to its promise: it is true
// exactly when Normalize would leave the model as it is (seen through the
// model's JSON, which tells a nil list from an empty one and shows every
// order), for a normalized model and for each way of breaking one.
func TestNormalMatchesNormalize(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	fresh := func(t *testing.T) *Model {
		m, err := New("Payments", "Security", now)
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	cases := []struct {
		name   string
		model  func(t *testing.T) *Model
		change func(m *Model)
		normal bool
	}{
		{"the example", func(*testing.T) *Model { return Example(now) }, func(*Model) {}, true},
		{"a new model", fresh, func(*Model) {}, true},
		{"a STRIDE row missing", fresh, func(m *Model) { m.Stride = m.Stride[1:] }, false},
		{"STRIDE rows out of order", fresh, func(m *Model) { m.Stride[0], m.Stride[1] = m.Stride[1], m.Stride[0] }, false},
		{"an OWASP item missing", fresh, func(m *Model) {
			for i, c := range m.Checklists {
				if c.List == ListOWASP {
					m.Checklists = append(m.Checklists[:i:i], m.Checklists[i+1:]...)
					return
				}
			}
			t.Fatal("no OWASP item")
		}, false},
		{"no status", fresh, func(m *Model) { m.Overview.Status = "" }, false},
		{"no edition", fresh, func(m *Model) { m.Overview.Edition = "" }, false},
		{"nil assets", fresh, func(m *Model) { m.Assets = nil }, false},
		{"nil participants", fresh, func(m *Model) { m.Overview.Participants = nil }, false},
		{"nil sequence", fresh, func(m *Model) { m.Seq = nil }, false},
		{"nil dismissed", fresh, func(m *Model) { m.Dismissed = nil }, false},
		{"a checklist item's nil threats", fresh, func(m *Model) { m.Checklists[0].Threats = nil }, false},
		{"a threat's nil assets", func(*testing.T) *Model { return Example(now) }, func(m *Model) { m.Threats[0].Assets = nil }, false},
		{"a threat's nil mitigations", func(*testing.T) *Model { return Example(now) }, func(m *Model) { m.Threats[1].Mitigations = nil }, false},
		{"a threat's nil OWASP tags", func(*testing.T) *Model { return Example(now) }, func(m *Model) { m.Threats[2].OWASP = nil }, false},
		{"threats out of order", func(*testing.T) *Model { return Example(now) }, func(m *Model) {
			m.Threats[0], m.Threats[1] = m.Threats[1], m.Threats[0]
		}, false},
		{"assets out of order", func(*testing.T) *Model { return Example(now) }, func(m *Model) {
			m.Assets[0], m.Assets[1] = m.Assets[1], m.Assets[0]
		}, false},
		{"dismissed out of order", fresh, func(m *Model) { m.Dismissed = []string{"b", "a"} }, false},
		{"votes out of order", fresh, func(m *Model) {
			m.Votes = []Vote{{ThreatID: "T-2", Voter: "a"}, {ThreatID: "T-1", Voter: "a"}}
		}, false},
		{"votes in order", fresh, func(m *Model) {
			m.Votes = []Vote{{ThreatID: "T-1", Voter: "a"}, {ThreatID: "T-2", Voter: "a"}}
		}, true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := tc.model(t)
			m.Normalize()
			tc.change(m)
			before, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			got := m.Normal()
			if again, _ := json.Marshal(m); !bytes.Equal(again, before) {
				t.Fatal("Normal changed the model")
			}
			c := m.Snapshot()
			c.Normalize()
			after, err := json.Marshal(c)
			if err != nil {
				t.Fatal(err)
			}
			unchanged := bytes.Equal(before, after)
			if got != tc.normal || got != unchanged {
				t.Errorf("Normal() = %v, want %v; Normalize left it unchanged: %v", got, tc.normal, unchanged)
			}
		})
	}
}
