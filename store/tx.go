package store

import (
	"errors"
	"fmt"
	"strconv"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// view runs fn in one read transaction, guarded against damaged content.
func (s *Store) view(fn func(*bolt.Tx) error) error {
	return s.run(false, fn)
}

// update runs fn in one write transaction: all of it is committed, or none.
// Once any damage is known, nothing is written: every write gets the same
// *CorruptError.
func (s *Store) update(fn func(*bolt.Tx) error) error {
	if s.readOnly {
		return fmt.Errorf("cannot change workbook %s: %w", s.path, ErrReadOnly)
	}
	if ce := s.damage.refusal(); ce != nil {
		return ce
	}
	return s.run(true, fn)
}

func (s *Store) run(write bool, fn func(*bolt.Tx) error) error {
	err := guard(s.path, func() error {
		if write {
			return s.db.Update(fn)
		}
		return s.db.View(fn)
	})
	if ce, ok := errors.AsType[*CorruptError](err); ok {
		// Damage met while reading (a fault, a bbolt panic, a record that
		// fails its checksum or does not decode): from now on the file is
		// only read. Damage inside a model was noted against that model
		// where it was found.
		if ce.fault || s.damage.refusal() == nil {
			s.damage.note(s.path, "", ce.Detail)
		}
		if write {
			// A write that met damage was rolled back; say so the same
			// way every later write will.
			return s.damage.refusal()
		}
		return ce
	}
	if errors.Is(err, berrors.ErrDatabaseNotOpen) {
		return fmt.Errorf("workbook %s is closed", s.path)
	}
	return err
}

// initLayout writes an empty workbook's buckets, in the current schema.
func initLayout(tx *bolt.Tx) error {
	meta, err := createTopBucket(tx, bucketMeta)
	if err != nil {
		return err
	}
	if err := putValue(meta, bucketMeta, keyApp, []byte(appName)); err != nil {
		return err
	}
	if err := putSchema(meta, SchemaVersion); err != nil {
		return err
	}
	if err := putValue(meta, bucketMeta, keyModels, []byte("0")); err != nil {
		return err
	}
	// models' sequence issues ids, so it is not sealed: meta counts it.
	_, err = tx.CreateBucketIfNotExists(bucketModels)
	return err
}

// createTopBucket returns a top-level bucket, creating it sealed.
func createTopBucket(tx *bolt.Tx, name []byte) (*bolt.Bucket, error) {
	if b := tx.Bucket(name); b != nil {
		return b, nil
	}
	b, err := tx.CreateBucket(name)
	if err != nil {
		return nil, err
	}
	return b, b.SetSequence(sealMark)
}

// addModels adds d to meta's count of models (schema 2 and later).
func addModels(tx *bolt.Tx, d int) error {
	meta := tx.Bucket(bucketMeta)
	raw, ok := getValue(meta, bucketMeta, keyModels)
	n, err := strconv.Atoi(string(raw))
	if !ok || err != nil {
		return errors.New("its count of models is damaged")
	}
	return putValue(meta, bucketMeta, keyModels, strconv.AppendInt(nil, int64(n+d), 10))
}

func putSchema(meta *bolt.Bucket, v int) error {
	return putValue(meta, bucketMeta, keySchema, fmt.Appendf(nil, "%d", v))
}

// modelBucket returns the bucket of model id, or nil.
func modelBucket(tx *bolt.Tx, id string) *bolt.Bucket {
	models := tx.Bucket(bucketModels)
	if models == nil || id == "" {
		return nil
	}
	return models.Bucket([]byte(id))
}
