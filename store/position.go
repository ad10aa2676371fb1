package store

import (
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// Position returns where the user last was in the workbook (the zero
// Position when nothing was saved yet).
func (s *Store) Position() (model.Position, error) {
	var p model.Position
	err := s.view(func(tx *bolt.Tx) error {
		p, _ = readPosition(tx.Bucket(bucketMeta))
		if p.ModelID != "" && modelBucket(tx, p.ModelID) == nil {
			p = model.Position{}
		}
		return nil
	})
	return p, err
}

// SetPosition saves p as the last position overall and, when it is in a
// model, as that model's own last position, both in one transaction:
// the views, timer and presenter mode it carries go with it.
func (s *Store) SetPosition(p model.Position) error {
	data, err := json.Marshal(p)
	if err != nil {
		return err
	}
	err = s.update(func(tx *bolt.Tx) error {
		if p.ModelID != "" {
			mb, err := s.bucketOf(tx, p.ModelID)
			if err != nil {
				return err
			}
			if err := putValue(mb, []byte(p.ModelID), keyPosition, data); err != nil {
				return err
			}
		}
		return putValue(tx.Bucket(bucketMeta), bucketMeta, keyPosition, data)
	})
	if err != nil {
		return s.writeErr("save the position", err)
	}
	return nil
}

// ModelPosition returns the last position within model modelID (just the
// model when none was saved).
func (s *Store) ModelPosition(modelID string) (model.Position, error) {
	p := model.Position{ModelID: modelID}
	err := s.view(func(tx *bolt.Tx) error {
		if s.damage.model(modelID) != "" {
			return nil // a damaged model is not read; it opens nowhere anyway
		}
		mb := modelBucket(tx, modelID)
		if mb == nil {
			return &NotFoundError{Ref: modelID}
		}
		if saved, ok := decodePosition(getValue(mb, []byte(modelID), keyPosition)); ok {
			p = saved
			p.ModelID = modelID
		}
		return nil
	})
	return p, err
}

// readPosition reads the saved position of a meta bucket (nil before a
// schema-0 workbook is migrated).
func readPosition(meta *bolt.Bucket) (model.Position, bool) {
	if meta == nil {
		return model.Position{}, false
	}
	return decodePosition(getValue(meta, bucketMeta, keyPosition))
}

// decodePosition is lenient: a position is a convenience, and an unreadable
// one just means starting from the top.
// A position that fails its checksum (ok false) is not used either.
// Positions written before views, the timer and presenter mode were kept
// decode with those at their defaults; fields this version does not know
// are ignored, so an older threatdeck reads a newer position too.
func decodePosition(data []byte, ok bool) (model.Position, bool) {
	var p model.Position
	if data == nil || !ok || json.Unmarshal(data, &p) != nil {
		return model.Position{}, false
	}
	return p.Clean(), true
}
