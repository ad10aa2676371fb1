package store

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// historyLimit is how many edits a model's history keeps: the oldest entry
// goes when a new one comes. At a few hundred bytes an entry it bounds a
// model's history to a few hundred KiB however long it is worked on. (A
// variable so tests can reach the bound quickly.)
var historyLimit uint64 = 2000

// bucketHistory, inside a model's bucket, holds its history: keys are the
// entry's sequence number (8 bytes, big-endian, so bbolt's byte order is
// commit order), values JSON model.HistoryEntry. It is not a record kind,
// so loading a model never reads it.
var bucketHistory = []byte("history")

// historyKey encodes a sequence number as a history key.
func historyKey(seq uint64) []byte {
	return binary.BigEndian.AppendUint64(nil, seq)
}

// encodeHistory prepares e's history entry before the write transaction,
// as encodeRecords does the records; the sequence number is set inside it.
func (s *Store) encodeHistory(e model.Edit) model.HistoryEntry {
	if e.By == "" {
		e.By = s.user
	}
	at := e.At
	if at.IsZero() {
		at = time.Now()
	}
	return model.NewHistoryEntry(e, at.UTC().Truncate(time.Second))
}

// putHistory appends h to model bucket mb's history, in the transaction
// that writes the edit itself, and drops the entry that falls out of the
// bound. Appending in key order at a 100% fill keeps it to a page write or
// two; dropping is one delete at the far end.
//
// The bucket is sealed like every other (its bbolt sequence holds its entry
// count), so the next sequence number is the last key's plus one.
//
// It returns the entry's sequence number.
func putHistory(mb *bolt.Bucket, h model.HistoryEntry) (uint64, error) {
	b, err := createBucket(mb, bucketHistory)
	if err != nil {
		return 0, err
	}
	b.FillPercent = 1
	seq := uint64(1)
	if k, _ := b.Cursor().Last(); len(k) == 8 {
		seq = binary.BigEndian.Uint64(k) + 1
	}
	h.Seq = seq
	data, err := json.Marshal(h)
	if err != nil {
		return 0, err
	}
	if err := putValue(b, bucketHistory, historyKey(seq), data); err != nil {
		return 0, err
	}
	if seq > historyLimit {
		return seq, deleteValue(b, historyKey(seq-historyLimit))
	}
	return seq, nil
}

// History returns model modelID's history, newest first, at most limit
// entries (0 or less: all that are kept).
func (s *Store) History(modelID string, limit int) ([]model.HistoryEntry, error) {
	out := []model.HistoryEntry{}
	err := s.view(func(tx *bolt.Tx) error {
		mb := modelBucket(tx, modelID)
		if mb == nil {
			return &NotFoundError{Ref: modelID}
		}
		b := mb.Bucket(bucketHistory)
		if b == nil {
			return nil // a workbook from before history was kept
		}
		c := b.Cursor()
		for k, _ := c.Last(); k != nil && (limit <= 0 || len(out) < limit); k, _ = c.Prev() {
			v, ok := getValue(b, bucketHistory, k)
			if !ok {
				return &CorruptError{Path: s.path, Detail: fmt.Sprintf("model %s: history entry %x fails its checksum", modelID, k)}
			}
			var h model.HistoryEntry
			if err := json.Unmarshal(v, &h); err != nil {
				return &CorruptError{Path: s.path, Detail: fmt.Sprintf("model %s: history entry %x does not decode: %s", modelID, k, shorten(err.Error()))}
			}
			out = append(out, h)
		}
		return nil
	})
	return out, err
}
