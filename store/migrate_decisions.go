package store

import (
	"bytes"

	bolt "go.etcd.io/bbolt"
)

// migrate2to3 prepares a workbook for decisions and history: dismissed
// suggestions, stored as true, become dismissal objects (with no reason or
// date: none was kept), and every model gets its history bucket. The
// schema number changes so an older threatdeck refuses the file rather
// than reading dismissal objects it does not know as damage. It runs on a
// sealed (schema 2) workbook, so it reads and writes through the seal.
func migrate2to3(tx *bolt.Tx) error {
	models := tx.Bucket(bucketModels)
	return models.ForEachBucket(func(id []byte) error {
		mb := models.Bucket(id)
		if _, err := createBucket(mb, bucketHistory); err != nil {
			return err
		}
		name := []byte("dismissed")
		d := mb.Bucket(name)
		if d == nil {
			return nil
		}
		var keys [][]byte
		if err := d.ForEach(func(k, raw []byte) error {
			if raw == nil {
				return nil
			}
			if v, ok := getValue(d, name, k); ok && bytes.Equal(bytes.TrimSpace(v), []byte("true")) {
				keys = append(keys, bytes.Clone(k))
			}
			return nil
		}); err != nil {
			return err
		}
		// Written after the walk: bbolt does not allow changing a bucket
		// while a ForEach walks it.
		for _, k := range keys {
			if err := putValue(d, name, k, []byte("{}")); err != nil {
				return err
			}
		}
		return nil
	})
}
