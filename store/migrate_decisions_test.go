package store

import (
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// testdata/schema1-payments.db was written by threatdeck at schema 1 (commit
// 6e55b37): one model, "Payments API", with an asset, an open threat with a
// mitigation in progress, an accepted threat and a dismissed suggestion.

func copySchema1Payments(t *testing.T) string {
	t.Helper()
	data := readFile(t, filepath.Join("testdata", "schema1-payments.db"))
	path := filepath.Join(t.TempDir(), "wb.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestMigrateSchema1File(t *testing.T) {
	path := copySchema1Payments(t)

	// Read-only, nothing is migrated, and the old dismissal reads.
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	before, err := ro.Find("Payments API")
	if err != nil {
		t.Fatal(err)
	}
	if h, err := ro.History(before.ID, 0); err != nil || len(h) != 0 {
		t.Errorf("history of a schema-1 model: %v %v", h, err)
	}
	ro.Close()

	s, err := Open(path, Options{User: "ana"})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Load(before.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Threats) != 2 || len(m.Assets) != 1 || len(m.Dismissed) != 1 || m.Dismissed[0] != "builtin.upload-malware" {
		t.Fatalf("migrated model: %d threats, %d assets, dismissed %v", len(m.Threats), len(m.Assets), m.Dismissed)
	}
	if d, ok := m.DismissalOf("builtin.upload-malware"); !ok || d != (model.Dismissal{}) {
		t.Errorf("old dismissal: %+v %v", d, ok)
	}
	if !reflect.DeepEqual(recordsJSON(t, before), recordsJSON(t, m)) {
		t.Error("the model read after migration differs from the one read before")
	}
	// The migrated model takes decisions, and keeps history from now on.
	th, _ := m.Threat("T-002")
	th.Treatment, th.Rationale, th.DecidedBy, th.ReviewBy = model.TreatAccept, "Idempotency keys expire in 24 h", "Ana", "2026-12-31"
	ch := must(t)(m.PutThreat(th, t0))
	if err := s.Commit(m.ID, ch.Do); err != nil {
		t.Fatal(err)
	}
	ch = must(t)(m.DismissWithReason("builtin.csrf", "no cookies: bearer tokens only", t0))
	if err := s.Commit(m.ID, ch.Do); err != nil {
		t.Fatal(err)
	}
	s.Close()

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	got, err := s.Load(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if th, _ := got.Threat("T-002"); th.Rationale != "Idempotency keys expire in 24 h" || th.ReviewBy != "2026-12-31" || th.DecidedAt != "2025-03-14" {
		t.Errorf("decision after reopening: %+v", th)
	}
	if d, _ := got.DismissalOf("builtin.csrf"); d.Reason != "no cookies: bearer tokens only" {
		t.Errorf("dismissal after reopening: %+v", d)
	}
	if h, _ := s.History(m.ID, 0); len(h) != 2 || h[0].By != "ana" || h[0].Label != "Dismissed suggestion builtin.csrf" || h[1].Label != "Saved threat T-002" {
		t.Errorf("history: %+v", h)
	}
	// On disk: the current schema, the old dismissal rewritten as a
	// (sealed) object.
	s.Close()
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bucketMeta).Get(keySchema)); v != strconv.Itoa(SchemaVersion) {
			t.Errorf("schema %q", v)
		}
		mb := modelBucket(tx, m.ID)
		if v, ok := getValue(mb.Bucket([]byte("dismissed")), []byte("dismissed"), []byte("builtin.upload-malware")); !ok || string(v) != "{}" {
			t.Errorf("old dismissal stored as %q", v)
		}
		if mb.Bucket(bucketHistory) == nil {
			t.Error("no history bucket")
		}
		return nil
	})
}
