package store

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// schema0File builds a workbook as the pre-release threatdeck wrote it: a
// models bucket only (no meta bucket, so no schema version), one bucket per
// model with only the record kinds it used, ids from the bucket sequence.
func schema0File(t *testing.T, m *model.Model, withOverview bool) string {
	t.Helper()
	return boltFile(t, func(tx *bolt.Tx) error {
		models, err := tx.CreateBucket(bucketModels)
		if err != nil {
			return err
		}
		if err := models.SetSequence(2); err != nil { // model 1 was deleted
			return err
		}
		mb, err := models.CreateBucket([]byte("2"))
		if err != nil {
			return err
		}
		for _, r := range m.Records() {
			if r.Kind == model.RecOverview && !withOverview {
				continue
			}
			b, err := mb.CreateBucketIfNotExists([]byte(r.Kind))
			if err != nil {
				return err
			}
			key := []byte(r.ID)
			if singleton(r.Kind) {
				key = []byte("value")
			}
			data, err := json.Marshal(r.Value)
			if err != nil {
				return err
			}
			if err := b.Put(key, data); err != nil {
				return err
			}
		}
		return nil
	}, nil)
}

func TestMigrateSchema0(t *testing.T) {
	orig := richModel(t, "Legacy")
	orig.Normalize()
	path := schema0File(t, orig, true)
	before := readFile(t, path)

	// Read-only access reads a schema-0 workbook without upgrading it.
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	if m, err := ro.Load("2"); err != nil || m.Overview.Title != "Legacy" {
		t.Fatalf("read-only Load of schema 0: %v", err)
	}
	ro.Close()
	if !bytes.Equal(before, readFile(t, path)) {
		t.Fatal("a read-only open modified a schema-0 workbook")
	}

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Load("2")
	if err != nil {
		t.Fatal(err)
	}
	orig.ID = "2"
	if !reflect.DeepEqual(recordsJSON(t, got), recordsJSON(t, orig)) {
		t.Fatal("the migrated model differs from the original")
	}
	// The sequence survives: new models never reuse an old id.
	if id, err := s.Create(mustNew(t, "New", "")); err != nil || id != "3" {
		t.Fatalf("Create after migration = %q, %v; want id 3", id, err)
	}
	// Positions, which schema 0 lacked, work now.
	if err := s.SetPosition(model.Position{ModelID: "2", Step: "assets"}); err != nil {
		t.Fatal(err)
	}
	s.Close()

	// On disk: the meta bucket and version, and every kind bucket.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	db.View(func(tx *bolt.Tx) error {
		meta := tx.Bucket(bucketMeta)
		if meta == nil {
			t.Fatal("no meta bucket after migration")
		}
		if v := string(meta.Get(keySchema)); v != strconv.Itoa(SchemaVersion) {
			t.Errorf("schema = %q, want %d", v, SchemaVersion)
		}
		if a := string(meta.Get(keyApp)); a != appName {
			t.Errorf("app = %q", a)
		}
		mb := modelBucket(tx, "2")
		for _, k := range model.RecordKinds {
			if mb.Bucket([]byte(k)) == nil {
				t.Errorf("model 2 has no %s bucket after migration", k)
			}
		}
		return nil
	})
}

func TestMigrateFailureLeavesFile(t *testing.T) {
	path := schema0File(t, mustNew(t, "Broken", ""), false)
	before := readFile(t, path)
	_, err := Open(path, Options{})
	if err == nil || !strings.Contains(err.Error(), "has no overview") || !strings.Contains(err.Error(), path) {
		t.Fatalf("Open of a schema-0 model without overview: %v", err)
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Fatal("a failed migration modified the file")
	}
}
