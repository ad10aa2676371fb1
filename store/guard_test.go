package store

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// A panic in threatdeck's own code inside a transaction is a bug, not
// damage: it is reported as an internal error, the transaction is rolled
// back, and the workbook stays usable.
func TestPanicInOwnCodeIsAnInternalError(t *testing.T) {
	s := newStore(t)
	id, err := s.Create(richModel(t, "Payments"))
	if err != nil {
		t.Fatal(err)
	}
	for name, run := range map[string]func(func(*bolt.Tx) error) error{"write": s.update, "read": s.view} {
		t.Run(name, func(t *testing.T) {
			err := run(func(tx *bolt.Tx) error {
				// Half an edit, then a bug.
				if name == "write" {
					if err := putValue(tx.Bucket(bucketMeta), bucketMeta, keyPosition, []byte(`{}`)); err != nil {
						return err
					}
				}
				var m map[string]int
				//lint:ignore SA5000 the nil-map write is the bug of ours under test
				m["boom"]++
				return nil
			})
			ie, ok := errors.AsType[*InternalError](err)
			if !ok || strings.Contains(err.Error(), "damaged") || !strings.Contains(err.Error(), s.Path()) || !strings.Contains(ie.Panic, "nil map") {
				t.Fatalf("panic in own code gave %T: %v", err, err)
			}
			if s.Damaged() != nil {
				t.Fatalf("the workbook was marked damaged: %v", s.Damaged())
			}
		})
	}
	// Rolled back: the half-written position is not there; and work goes on.
	if p, err := s.Position(); err != nil || p.ModelID != "" {
		t.Fatalf("position after the rolled-back write: %+v, %v", p, err)
	}
	if _, err := s.Create(mustNew(t, "After", "")); err != nil {
		t.Fatalf("the workbook no longer takes writes: %v", err)
	}
	if _, err := s.Load(id); err != nil {
		t.Fatal(err)
	}
}

// A panic raised inside bbolt is what damage looks like to it: that one is
// damage, and writes stop.
func TestPanicInBboltIsDamage(t *testing.T) {
	s := newStore(t)
	err := s.view(func(tx *bolt.Tx) error {
		return tx.Rollback() // bbolt panics: a managed transaction may not roll back
	})
	if !isCorrupt(err) || s.Damaged() == nil {
		t.Fatalf("bbolt's panic gave %T: %v (damaged: %v)", err, err, s.Damaged())
	}
	before := readFile(t, s.Path())
	if _, err := s.Create(mustNew(t, "After", "")); !isCorrupt(err) {
		t.Fatalf("write after damage: %v", err)
	}
	if !bytes.Equal(before, readFile(t, s.Path())) {
		t.Fatal("written after damage")
	}
}

func TestStoreMethodNames(t *testing.T) {
	for fn, want := range map[string]string{
		"github.com/threatdeck/threatdeck/store.(*Store).Commit":     "saving a change",
		"github.com/threatdeck/threatdeck/store.(*Store).Salvage":    "running Salvage",
		"github.com/threatdeck/threatdeck/store.(*Store).loadIn":     "",
		"github.com/threatdeck/threatdeck/store.(*Store).List.func1": "listing the models",
		"main.main": "",
	} {
		if got := storeMethod(fn); got != want {
			t.Errorf("storeMethod(%q) = %q, want %q", fn, got, want)
		}
	}
}
