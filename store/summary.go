package store

import (
	"encoding/binary"
	"encoding/json"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// keySummary, in a model's bucket, holds the model's listing tally
// (summaryRecord), sealed like every value. Every write of the model's
// records rewrites it in the same transaction, so List reads one small
// record per model instead of decoding every model whole.
//
// The record says which history entry it is current with (Seq). Every
// write of a model's records appends to its history in the same
// transaction, so a tally whose Seq is not the history's last entry was
// left behind by a threatdeck that did not keep tallies: it is not used,
// and neither is one of another model.TallyVersion. Such a model is
// decoded to list it, and the next write (or the next open for writing)
// rebuilds its tally; a read-only open never writes.
var keySummary = []byte("summary")

// summaryRecord is the stored form of a model's tally.
type summaryRecord struct {
	Version int         `json:"version"`
	Seq     uint64      `json:"seq"`
	Tally   model.Tally `json:"tally"`
}

// lastHistorySeq is the sequence number of model bucket mb's newest
// history entry (0 when there is none).
func lastHistorySeq(mb *bolt.Bucket) uint64 {
	b := mb.Bucket(bucketHistory)
	if b == nil {
		return 0
	}
	if k, _ := b.Cursor().Last(); len(k) == 8 {
		return binary.BigEndian.Uint64(k)
	}
	return 0
}

// readTally returns model id's stored tally when it is there, intact,
// current and exact.
func readTally(mb *bolt.Bucket, id string) (model.Tally, bool) {
	data, ok := getValue(mb, []byte(id), keySummary)
	if data == nil || !ok {
		return model.Tally{}, false
	}
	var rec summaryRecord
	if json.Unmarshal(data, &rec) != nil || rec.Version != model.TallyVersion || rec.Seq != lastHistorySeq(mb) ||
		rec.Tally.Stride == nil || rec.Tally.OWASP == nil || rec.Tally.Catalog == nil || rec.Tally.Unstored == nil {
		return model.Tally{}, false
	}
	return rec.Tally, rec.Tally.Exact()
}

// writeTally stores model id's tally as current with history entry seq.
func writeTally(mb *bolt.Bucket, id string, t model.Tally, seq uint64) error {
	data, err := json.Marshal(summaryRecord{Version: model.TallyVersion, Seq: seq, Tally: t})
	if err != nil {
		return err
	}
	return putValue(mb, []byte(id), keySummary, data)
}

// storedTally tallies every record of model id as stored, decoding them
// all: the rebuild of a missing or stale tally.
func (s *Store) storedTally(tx *bolt.Tx, id string) (model.Tally, error) {
	m, err := s.loadRecords(tx, id, newRecordDecoder())
	if err != nil {
		return model.Tally{}, err
	}
	return model.TallyOf(m), nil
}

// tallyEdit counts one encoded record's change into t: the value stored
// under its key out, the new one in. It runs in the write transaction,
// before the record is put.
func (s *Store) tallyEdit(rd *recordDecoder, mb *bolt.Bucket, id string, r encoded, t *model.Tally) error {
	kind := model.RecordKind(r.kind)
	if !kind.CountsToCompletion() {
		return nil
	}
	if b := mb.Bucket(r.kind); b != nil {
		data, ok := getValue(b, r.kind, r.key)
		if !ok {
			return s.damagedRecord(id, kind, string(r.key), "fails its checksum")
		}
		if data != nil {
			old, _ := model.NewRecordValue(kind)
			if err := s.decode(rd, id, kind, string(r.key), data, old); err != nil {
				return err
			}
			t.Add(kind, old, -1)
		}
	}
	t.Add(kind, r.record, 1)
	return nil
}

// refreshTallies rebuilds the tally of every model that has none or a
// stale one, in one write transaction; models whose tallies are current
// cost one small read each. Open runs it for a writable, undamaged
// workbook. A failure leaves the tallies as they were: List then decodes
// those models, and damage met is noted as any read notes it.
func (s *Store) refreshTallies() {
	var stale []string
	_ = s.view(func(tx *bolt.Tx) error {
		for _, id := range modelIDs(tx) {
			if _, ok := readTally(tx.Bucket(bucketModels).Bucket([]byte(id)), id); !ok {
				stale = append(stale, id)
			}
		}
		return nil
	})
	if len(stale) == 0 {
		return
	}
	_ = s.update(func(tx *bolt.Tx) error {
		for _, id := range stale {
			mb, err := s.bucketOf(tx, id)
			if err != nil {
				return err
			}
			t, err := s.storedTally(tx, id)
			if err != nil {
				return err
			}
			if err := writeTally(mb, id, t, lastHistorySeq(mb)); err != nil {
				return err
			}
		}
		return nil
	})
}
