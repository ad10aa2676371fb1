package model

import (
	"encoding/json"
	"slices"
	"testing"
	"time"
)

// A snapshot stays as it was while the model is edited through every kind
// of mutator and undone: the report rendered from it in the background
// reads the model as it was when the render started.
func TestSnapshotIsUnchangedByEdits(t *testing.T) {
	now := time.Date(2025, 6, 2, 10, 0, 0, 0, time.UTC)
	m := Example(now)
	snap := m.Snapshot()
	before, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	th := m.Threats[0]
	th.Title = "Renamed"
	th.Mitigations = append(th.Mitigations, Mitigation{Description: "New control"})
	// Callers change a record's inner list on their own copy of it, as
	// the Threats step does when it cycles a mitigation's status.
	var mit Threat
	for _, t := range m.Threats {
		if len(t.Mitigations) > 0 {
			mit = t
		}
	}
	if mit.ID == "" {
		t.Fatal("the example has no mitigation")
	}
	mit.Mitigations = slices.Clone(mit.Mitigations)
	mit.Mitigations[0].Status = mit.Mitigations[0].Status.Next()
	ov := m.Overview
	ov.Participants = append(ov.Participants, "Zed")
	var undo []Edit
	for _, step := range []struct {
		name string
		ch   func() (Change, error)
	}{
		{"threat", func() (Change, error) { return m.PutThreat(th, now) }},
		{"mitigation status", func() (Change, error) { return m.PutThreat(mit, now) }},
		{"new threat", func() (Change, error) {
			return m.PutThreat(Threat{Title: "Another", Category: Tampering, Likelihood: 2, Impact: 2}, now)
		}},
		{"delete threat", func() (Change, error) { return m.DeleteThreat(m.Threats[2].ID, now) }},
		{"asset", func() (Change, error) { return m.PutAsset(Asset{Name: "Keys", Sensitivity: Restricted}, now) }},
		{"delete asset", func() (Change, error) { return m.DeleteAsset(m.Assets[0].ID, now) }},
		{"actor", func() (Change, error) { return m.DeleteActor(m.Actors[0].ID, now) }},
		{"element", func() (Change, error) { return m.DeleteElement(m.Surface[0].ID, now) }},
		{"overview", func() (Change, error) { return m.PutOverview(ov, now) }},
		{"sections", func() (Change, error) { return m.PutSections(Sections{IncidentResponse: "Call the on-call"}, now) }},
		{"stride", func() (Change, error) { return m.PutStride(StrideReview{Category: Spoofing, Reviewed: true}, now) }},
		{"check", func() (Change, error) {
			c := m.Checklists[0]
			c.State, c.Threats = StateDone, append(c.Threats, m.Threats[0].ID)
			return m.PutCheck(c, now)
		}},
		{"parking", func() (Change, error) { return m.PutParking(ParkingItem{Text: "Later"}, now) }},
		{"dismiss", func() (Change, error) { return m.DismissWithReason("T-SPOOF-1", "not here", now) }},
		{"poker", func() (Change, error) { return m.StartPoker(m.Threats[0].ID, "ann", now) }},
	} {
		ch, err := step.ch()
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		undo = append(undo, ch.Undo)
	}
	for i := len(undo) - 1; i >= 0; i-- {
		m.Apply(undo[i])
	}
	after, err := json.Marshal(snap)
	if err != nil {
		t.Fatal(err)
	}
	if string(after) != string(before) {
		t.Fatalf("the snapshot changed under the edits:\nbefore %s\nafter  %s", before, after)
	}
}
