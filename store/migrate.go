package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// migrations[v] upgrades a workbook from schema v to v+1. All steps from the
// file's version up run in one write transaction, so a workbook is never
// left half-migrated.
//
// To change the layout: bump SchemaVersion, append the step here, and keep
// the old steps as they are (they describe files already on disk).
var migrations = []func(tx *bolt.Tx) error{
	0: migrate0to1,
	1: migrate1to2,
	2: migrate2to3,
}

// migrate0to1 upgrades a pre-release workbook: it had only the models bucket
// (one bucket per model, one sub-bucket per record kind, ids from the
// models bucket's sequence) and no meta bucket, hence no schema version,
// app marker or saved position. Model buckets missing a record-kind bucket
// get it, so every model has the full layout.
func migrate0to1(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	if err := meta.Put(keyApp, []byte(appName)); err != nil {
		return err
	}
	if _, err := tx.CreateBucketIfNotExists(bucketModels); err != nil {
		return err
	}
	models := tx.Bucket(bucketModels)
	return models.ForEachBucket(func(id []byte) error {
		mb := models.Bucket(id)
		if mb.Bucket([]byte("overview")) == nil {
			return fmt.Errorf("model %s has no overview", id)
		}
		for _, k := range model.RecordKinds {
			if _, err := mb.CreateBucketIfNotExists([]byte(k)); err != nil {
				return err
			}
		}
		return nil
	})
}

// migrate1to2 seals schema 1's records (see seal.go): every value gets its
// checksum and every bucket, except those whose sequence issues ids, its
// entry count; meta counts the models. It walks the whole file generically,
// so every record kind and bucket there is covered.
func migrate1to2(tx *bolt.Tx) error {
	var n int
	if err := tx.Bucket(bucketModels).ForEachBucket(func([]byte) error { n++; return nil }); err != nil {
		return err
	}
	if err := tx.ForEach(func(name []byte, b *bolt.Bucket) error {
		return sealTree(b, name, string(name) != string(bucketModels), 0, string(name))
	}); err != nil {
		return err
	}
	return putValue(tx.Bucket(bucketMeta), bucketMeta, keyModels, strconv.AppendInt(nil, int64(n), 10))
}

// sealTree seals bucket b (named name, top-level bucket top, depth levels
// below it) when sealed is set, then its sub-buckets. Keys are gathered
// before writing: bbolt's cursors do not survive puts into their bucket.
func sealTree(b *bolt.Bucket, name []byte, sealed bool, depth int, top string) error {
	type kv struct{ k, v []byte }
	var vals []kv
	var subs [][]byte
	c := b.Cursor()
	for k, v := c.First(); k != nil; k, v = c.Next() {
		if v == nil {
			subs = append(subs, bytes.Clone(k))
		} else {
			vals = append(vals, kv{bytes.Clone(k), bytes.Clone(v)})
		}
	}
	if sealed {
		if err := b.SetSequence(sealMark | uint64(len(vals)+len(subs))); err != nil {
			return err
		}
		for _, e := range vals {
			if plainMeta(name, e.k) {
				continue
			}
			// Every value threatdeck writes is JSON: one that is not was
			// damaged, and sealing it would vouch for the damage.
			if !json.Valid(e.v) {
				return errDamaged{fmt.Sprintf("%s %q in %s does not decode, so it could not be given its checksum", name, shorten(string(e.k)), top)}
			}
			if err := b.Put(e.k, seal(name, e.k, e.v)); err != nil {
				return err
			}
		}
	}
	for _, sub := range subs {
		// A library name's bucket issues its version numbers.
		childSealed := !(top == string(bucketLibraries) && depth == 0)
		if err := sealTree(b.Bucket(sub), sub, childSealed, depth+1, top); err != nil {
			return err
		}
	}
	return nil
}

// migrate brings the workbook from schema from to SchemaVersion.
func (s *Store) migrate(from int) error {
	if len(migrations) != SchemaVersion {
		panic("store: a schema version has no migration step")
	}
	err := s.update(func(tx *bolt.Tx) error {
		for v := from; v < SchemaVersion; v++ {
			if err := migrations[v](tx); err != nil {
				return fmt.Errorf("schema %d to %d: %w", v, v+1, err)
			}
		}
		return putSchema(tx.Bucket(bucketMeta), SchemaVersion)
	})
	if err != nil {
		if _, ok := errors.AsType[*InternalError](err); ok {
			return err
		}
		if _, ok := errors.AsType[errDamaged](err); ok {
			return err
		}
		return fmt.Errorf("cannot upgrade workbook %s to the current format (%v); it was left as it was", s.path, err)
	}
	return nil
}
