package store

import (
	"errors"
	"fmt"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// view runs fn in one read transaction, guarded against damaged content.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	return s.run(false, fn)
}

// update runs fn in one write transaction: all of it is committed, or none.
func (s *Store) update(fn func(*bolt.Tx) error) error {
	if s.readOnly {
		return fmt.Errorf("cannot change workbook %s: %w", s.path, ErrReadOnly)
	}
	return s.run(true, fn)
}

func (s *Store) run(write bool, fn func(*bolt.Tx) error) error {
	if ce := s.broken.Load(); ce != nil {
		return ce
	}
	err := guard(s.path, func() error {
		if write {
			return s.db.Update(fn)
		}
		return s.db.View(fn)
	})
	if ce, ok := errors.AsType[*CorruptError](err); ok && ce.fault {
		// A panic mid-transaction means the file is not what inspect saw:
		// stop using it rather than risk writing on top of damage. (A
		// record that does not decode is reported, and other models stay
		// usable.)
		s.broken.CompareAndSwap(nil, ce)
		return ce
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("workbook %s is closed", s.path)
	}
	return err
}

// initLayout writes an empty workbook's buckets.
func initLayout(tx *bolt.Tx) error {
	meta, err := tx.CreateBucketIfNotExists(bucketMeta)
	if err != nil {
		return err
	}
	if err := meta.Put(keyApp, []byte(appName)); err != nil {
		return err
	}
	if err := putSchema(meta, SchemaVersion); err != nil {
		return err
	}
	_, err = tx.CreateBucketIfNotExists(bucketModels)
	return err
}

func putSchema(meta *bolt.Bucket, v int) error {
	return meta.Put(keySchema, fmt.Appendf(nil, "%d", v))
}

// modelBucket returns the bucket of model id, or nil.
func modelBucket(tx *bolt.Tx, id string) *bolt.Bucket {
	models := tx.Bucket(bucketModels)
	if models == nil || id == "" {
		return nil
	}
	return models.Bucket([]byte(id))
}
