package store

import (
	"fmt"

	bolt "go.etcd.io/bbolt"
)

// migrations[v] upgrades a workbook from schema v to v+1. All steps from the
// file's version up run in one write transaction, so a workbook is never
// left half-migrated.
var migrations = []func(tx *bolt.Tx) error{
	0: migrate0to1,
	1: migrate1to2,
}

// migrate0to1 upgrades a pre-release workbook: it had only the models bucket
// (one bucket per model, one sub-bucket per record kind, ids from the
// models bucket's sequence) and no meta bucket, hence no schema version,
// app marker or saved position. Model buckets missing a record-kind bucket
// get it, so every model has the full layout.
func migrate0to1(tx *bolt.Tx) error {
	if err := initLayout(tx); err != nil {
		return err
	}
	models := tx.Bucket(bucketModels)
	return models.ForEachBucket(func(id []byte) error {
		mb := models.Bucket(id)
		if mb.Bucket([]byte("overview")) == nil {
			return fmt.Errorf("model %s has no overview", id)
		}
		return ensureKindBuckets(mb)
	})
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
		return fmt.Errorf("cannot upgrade workbook %s to the current format (%v); it was left as it was", s.path, err)
	}
	return nil
}
