package store

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// storedSummary is model id's listing line from its stored tally, failing
// the test when there is no current one.
func storedSummary(t *testing.T, s *Store, id string) model.Summary {
	t.Helper()
	var sum model.Summary
	err := s.view(func(tx *bolt.Tx) error {
		tl, ok := readTally(modelBucket(tx, id), id)
		if !ok {
			t.Fatalf("model %s has no current tally", id)
		}
		sum = tl.Summary()
		sum.ID = id
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return sum
}

// decodedSummary is model id's listing line from the model decoded whole.
func decodedSummary(t *testing.T, s *Store, id string) model.Summary {
	t.Helper()
	m, err := s.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	return m.Summarize()
}

// sameSummary checks the stored tally, List and the decoded model agree.
func sameSummary(t *testing.T, s *Store, id, what string) {
	t.Helper()
	want := decodedSummary(t, s, id)
	if got := storedSummary(t, s, id); got != want {
		t.Errorf("%s: stored summary %+v, decoded %+v", what, got, want)
	}
	list, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	for _, sum := range list {
		if sum.ID == id && sum != want {
			t.Errorf("%s: listed %+v, decoded %+v", what, sum, want)
		}
	}
}

func TestTallyFollowsEveryEdit(t *testing.T) {
	now := tick()
	cases := []struct {
		name string
		edit func(m *model.Model) (model.Change, error)
	}{
		{"overview", func(m *model.Model) (model.Change, error) {
			o := m.Overview
			o.Title, o.Owner, o.Scope = "Renamed", "", ""
			return m.PutOverview(o, now())
		}},
		{"edition", func(m *model.Model) (model.Change, error) { return m.SetEdition(model.OWASP2025, now()) }},
		{"sections", func(m *model.Model) (model.Change, error) {
			return m.PutSections(model.Sections{References: "ASVS"}, now())
		}},
		{"new asset without description", func(m *model.Model) (model.Change, error) {
			return m.PutAsset(model.Asset{Name: "Keys", Sensitivity: model.Restricted}, now())
		}},
		{"asset described", func(m *model.Model) (model.Change, error) {
			a, _ := m.Asset("AS-001")
			a.Description = ""
			return m.PutAsset(a, now())
		}},
		{"delete asset", func(m *model.Model) (model.Change, error) { return m.DeleteAsset("AS-002", now()) }},
		{"actor", func(m *model.Model) (model.Change, error) {
			return m.PutActor(model.Actor{Name: "Insider", Kind: model.Insider, Capability: model.High, Risk: model.Medium}, now())
		}},
		{"delete actor", func(m *model.Model) (model.Change, error) { return m.DeleteActor("TA-001", now()) }},
		{"surface", func(m *model.Model) (model.Change, error) {
			return m.PutElement(model.SurfaceElement{Name: "Queue", Kind: model.KindDataStore, TrustZone: "private"}, now())
		}},
		{"delete surface", func(m *model.Model) (model.Change, error) { return m.DeleteElement("SE-002", now()) }},
		{"open threat", func(m *model.Model) (model.Change, error) {
			return m.PutThreat(model.Threat{Title: "Replay", Category: model.Spoofing, Likelihood: 2, Impact: 2, Status: model.StatusOpen}, now())
		}},
		{"threat treated", func(m *model.Model) (model.Change, error) {
			th, _ := m.Threat("T-001")
			th.Mitigations, th.Status = nil, model.StatusOpen
			return m.PutThreat(th, now())
		}},
		{"delete threat", func(m *model.Model) (model.Change, error) { return m.DeleteThreat("T-002", now()) }},
		{"stride", func(m *model.Model) (model.Change, error) {
			return m.PutStride(model.StrideReview{Category: model.Spoofing, Reviewed: true, Note: "done"}, now())
		}},
		{"owasp item", func(m *model.Model) (model.Change, error) {
			ci, _ := m.Check("A03:2021")
			ci.State = model.StateDone
			return m.PutCheck(ci, now())
		}},
		{"custom check", func(m *model.Model) (model.Change, error) {
			return m.PutCheck(model.CheckItem{List: model.ListTesting, Group: "Custom", Title: "Fuzz the parser"}, now())
		}},
		{"delete check", func(m *model.Model) (model.Change, error) {
			for _, c := range m.Checklists {
				if c.Title == "Fuzz the parser" {
					return m.DeleteCheck(c.ID, now())
				}
			}
			t.Fatal("the custom check is missing")
			return model.Change{}, nil
		}},
		{"parking", func(m *model.Model) (model.Change, error) {
			return m.PutParking(model.ParkingItem{Text: "Ask legal"}, now())
		}},
		{"dismiss", func(m *model.Model) (model.Change, error) { return m.Dismiss("lib.tampering.x", now()) }},
		{"extension", func(m *model.Model) (model.Change, error) {
			return m.SetExtension("tool", []byte(`{"a":1}`), now()), nil
		}},
		{"poker", func(m *model.Model) (model.Change, error) { return m.StartPoker("T-001", "Ana", now()) }},
	}
	s := newStore(t)
	m := richModel(t, "Tallied")
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	sameSummary(t, s, id, "create")
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ch, err := c.edit(m)
			if err != nil {
				t.Fatal(err)
			}
			if err := s.Commit(id, ch.Do); err != nil {
				t.Fatal(err)
			}
			sameSummary(t, s, id, "edit")
			if err := s.Commit(id, ch.Undo); err != nil {
				t.Fatal(err)
			}
			sameSummary(t, s, id, "undo")
			if err := s.Commit(id, ch.Do); err != nil { // redo: the next case builds on it
				t.Fatal(err)
			}
			m.Apply(ch.Undo)
			m.Apply(ch.Do)
			sameSummary(t, s, id, "redo")
		})
	}
}

// TestTallyOfOldWorkbooks covers models whose tally is missing or stale:
// written before tallies were kept (a migrated schema-1 file), or edited
// by a threatdeck that did not keep them. A read-only open lists them
// right without writing; the next writable open rebuilds the tallies.
func TestTallyOfOldWorkbooks(t *testing.T) {
	staleEdit := func(t *testing.T, path string) {
		// An older threatdeck's commit: records and history, no tally.
		s, err := Open(path, Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer s.Close()
		recs, err := encodeRecords([]model.Record{{Kind: model.RecThreat, ID: "T-900", Value: model.Threat{ID: "T-900", Title: "Added by an older build", Category: model.Tampering, Likelihood: 1, Impact: 1}}})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.update(func(tx *bolt.Tx) error {
			mb := modelBucket(tx, "1")
			if err := putRecords(mb, recs); err != nil {
				return err
			}
			_, err := putHistory(mb, s.encodeHistory(model.Edit{Label: "old"}))
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	dropTallies := func(t *testing.T, path string) {
		db, err := bolt.Open(path, 0o600, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		if err := db.Update(func(tx *bolt.Tx) error {
			return tx.Bucket(bucketModels).ForEachBucket(func(id []byte) error {
				return deleteValue(tx.Bucket(bucketModels).Bucket(id), keySummary)
			})
		}); err != nil {
			t.Fatal(err)
		}
	}
	cases := []struct {
		name string
		make func(t *testing.T) string
	}{
		{"migrated schema 1", func(t *testing.T) string { return copySchema1(t) }},
		{"edited by an older build", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "w.db")
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := s.Create(richModel(t, "One")); err != nil {
				t.Fatal(err)
			}
			s.Close()
			staleEdit(t, path)
			return path
		}},
		{"tallies dropped", func(t *testing.T) string {
			path := filepath.Join(t.TempDir(), "w.db")
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, title := range []string{"One", "Two"} {
				if _, err := s.Create(richModel(t, title)); err != nil {
					t.Fatal(err)
				}
			}
			s.Close()
			dropTallies(t, path)
			return path
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := c.make(t)
			before := readFile(t, path)
			ro, err := Open(path, Options{ReadOnly: true})
			if err != nil {
				t.Fatal(err)
			}
			listed, err := ro.List()
			if err != nil || len(listed) == 0 {
				t.Fatalf("read-only list: %v %v", listed, err)
			}
			for _, sum := range listed {
				if want := decodedSummary(t, ro, sum.ID); sum != want {
					t.Errorf("read-only list %+v, decoded %+v", sum, want)
				}
			}
			ro.Close()
			if !bytes.Equal(before, readFile(t, path)) {
				t.Fatal("a read-only list wrote to the file")
			}
			s, err := Open(path, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			for _, sum := range listed {
				sameSummary(t, s, sum.ID, "after a writable open")
			}
		})
	}
}

// TestTallyRebuiltByTheNextCommit: a model whose tally went stale while
// the workbook was open gets it back from its next edit.
func TestTallyRebuiltByTheNextCommit(t *testing.T) {
	s := newStore(t)
	m := richModel(t, "One")
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.update(func(tx *bolt.Tx) error { return deleteValue(modelBucket(tx, id), keySummary) }); err != nil {
		t.Fatal(err)
	}
	ch, err := m.DeleteThreat("T-001", t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(id, ch.Do); err != nil {
		t.Fatal(err)
	}
	sameSummary(t, s, id, "commit after the tally was lost")
}

// TestTallyOfSalvagedModels: salvage creates its models, tallies included.
func TestTallyOfSalvagedModels(t *testing.T) {
	data := realWorkbook(t, 50)
	if damageText(data, `"title":"Threat 12"`, 10) == 0 {
		t.Fatal("the threat's text is not in the file")
	}
	src := filepath.Join(t.TempDir(), "damaged.db")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "saved.db")
	rep, err := Salvage(src, dest)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(dest, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, sm := range rep.Models {
		sameSummary(t, s, sm.NewID, "salvaged "+sm.Title)
	}
}
