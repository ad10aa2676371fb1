package store

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

func TestHistoryRecordsEveryCommit(t *testing.T) {
	s, err := Open(filepath.Join(t.TempDir(), "wb.db"), Options{User: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	m := richModel(t, "History")
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	ch := must(t)(m.PutThreat(model.Threat{Title: "Replay", Category: model.Tampering}, t0))
	ch.Do.At = t0.Add(time.Hour)
	if err := s.Commit(id, ch.Do); err != nil {
		t.Fatal(err)
	}
	ch = must(t)(m.DeleteAsset("AS-001", t0))
	ch.Do.By = "bo (live)"
	if err := s.Commit(id, ch.Do); err != nil {
		t.Fatal(err)
	}
	h, err := s.History(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != 3 {
		t.Fatalf("%d entries, want 3: %+v", len(h), h)
	}
	// Newest first: the deletion (by a participant), the addition (by the
	// local user, at the edit's own time), the creation.
	del, add, created := h[0], h[1], h[2]
	if del.Seq != 3 || del.By != "bo (live)" || del.Label != "Deleted asset AS-001" || strings.Join(del.Records, ",") != "threat T-001,asset AS-001" {
		t.Errorf("deletion: %+v", del)
	}
	if add.By != "ana" || !add.At.Equal(t0.Add(time.Hour)) || strings.Join(add.Records, ",") != "threat T-003" {
		t.Errorf("addition: %+v", add)
	}
	if created.Seq != 1 || created.Label != "Created model History" || created.By != "ana" {
		t.Errorf("creation: %+v", created)
	}
	if h, _ := s.History(id, 1); len(h) != 1 || h[0].Seq != 3 {
		t.Errorf("limit 1: %+v", h)
	}
	if _, err := s.History("99", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("unknown model: %v", err)
	}
}

func TestHistoryFailedCommitLeavesNoEntry(t *testing.T) {
	s := newStore(t)
	m := richModel(t, "Atomic")
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	// A record with no id is refused before anything is written.
	if err := s.Commit(id, model.Edit{Label: "bad", Records: []model.Record{{Kind: model.RecThreat, Value: model.Threat{}}}}); err == nil {
		t.Fatal("commit of a record without an id succeeded")
	}
	if err := s.Commit("nope", model.Edit{Label: "elsewhere"}); err == nil {
		t.Fatal("commit to a missing model succeeded")
	}
	if h, _ := s.History(id, 0); len(h) != 1 {
		t.Errorf("history after failed commits: %+v", h)
	}
}

func TestHistoryIsBounded(t *testing.T) {
	defer func(n uint64) { historyLimit = n }(historyLimit)
	historyLimit = 50
	s := newStore(t)
	m := richModel(t, "Bounded")
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	for i := range int(historyLimit) + 5 {
		th := m.Threats[0]
		th.Likelihood = i%5 + 1
		ch := must(t)(m.PutThreat(th, t0))
		if err := s.Commit(id, ch.Do); err != nil {
			t.Fatal(err)
		}
	}
	h, err := s.History(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(h) != int(historyLimit) || h[0].Seq != historyLimit+6 || h[len(h)-1].Seq != 7 {
		t.Errorf("%d entries, newest %d, oldest %d; want %d, %d, 7", len(h), h[0].Seq, h[len(h)-1].Seq, historyLimit, historyLimit+6)
	}
	// Loading ignores the history: the model is what it was.
	got, err := s.Load(id)
	if err != nil || len(got.Threats) != len(m.Threats) {
		t.Fatalf("load: %v", err)
	}
}

func TestHistoryEntryNamesBoundedRecords(t *testing.T) {
	var recs []model.Record
	for i := range model.MaxHistoryRecords + 7 {
		recs = append(recs, model.Record{Kind: model.RecThreat, ID: model.FormatID(model.PrefixThreat, i+1)})
	}
	recs = append(recs, model.Record{Kind: model.RecSeq, ID: "T"}, model.Record{Kind: model.RecOverview})
	h := model.NewHistoryEntry(model.Edit{Label: "Imported\x1b[2J", Records: recs, By: "e\u202eve"}, t0)
	if len(h.Records) != model.MaxHistoryRecords || h.More != 7 || h.Label != "Imported" || h.By != "eve" {
		t.Errorf("%+v", h)
	}
	if h := model.NewHistoryEntry(model.Edit{Label: "Saved overview", Records: []model.Record{{Kind: model.RecOverview}}}, t0); strings.Join(h.Records, ",") != "overview" {
		t.Errorf("overview-only edit: %+v", h)
	}
}
