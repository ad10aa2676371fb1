package store

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/internal/jsonread"
	"github.com/threatdeck/threatdeck/model"
)

// A model too large for one chunk (stageChunkBytes of encoded records) is
// created in stages. Writing a model of 100,000 elements and 100,000
// threats in one transaction held every record encoded, and bbolt held a
// copy of every page it wrote and a node for every record, until the
// commit: the import of its Threat Dragon file peaked at 1.2 GB. Instead,
// its records are written in key order, one bounded chunk per transaction,
// into a bucket of their own under the top-level bucket staging, which no
// read ever looks into. One last transaction then moves each record
// kind's bucket into a new model bucket (bbolt's MoveBucket moves a
// bucket's header, not its pages), writes the big records (see
// bigRecordBytes), the history entry and the tally, and removes the
// staging bucket: the model still appears whole in one transaction, or
// not at all.
//
// An import that fails on the way (a full disk, damage met) removes what
// it staged; one whose process was killed leaves its staging bucket
// behind, and the next writable open removes it (dropStaging). Until
// then it is inert: List, Load, Find and Salvage look only at models,
// inspect checks it as it checks every bucket, and a read-only open does
// not write. A Backup taken meanwhile copies it, to be removed when the
// copy is opened for writing.

// stageChunkBytes is how many bytes of encoded records one transaction of
// a staged create writes (a model whose records all fit is created in one
// transaction, as a small one always was). Smaller chunks cost two more
// fsyncs each and bigger ones memory: importing 100,000 elements and
// threats, 4 and 16 MiB chunks took the same CPU and peak RSS, 64 MiB
// chunks 40-90 MB more. (A variable so tests can stage small models.)
var stageChunkBytes = 16 << 20

// stagingSeq names staging buckets: one process holds a workbook's write
// lock at a time, and what an earlier one left is removed at open.
var stagingSeq atomic.Uint64

// stageHook, when set (by tests), runs in each staged transaction, n
// counting them from 1 (the last being the one that places the model),
// and its error fails that transaction.
var stageHook func(n int) error

// bigRecordBytes is the size from which a record of kept raw JSON is
// encoded on a goroutine of its own as soon as the model's records are
// listed, and written last, beside the others' chunks: compacting the
// 100 MB document an import of 100,000 Threat Dragon cells keeps took
// 370 ms, as long as encoding and writing all the rest.
const bigRecordBytes = 1 << 20

// pendingRecords are a new model's records in the file's key order, kind
// by kind, encoded one chunk at a time, and its big records (see
// bigRecordBytes), encoded meanwhile.
type pendingRecords struct {
	recs []encoded // value nil until its chunk is encoded
	next int

	big     []encoded
	bigErrs []error
	bigDone sync.WaitGroup
}

// pendingOf checks every record of m and puts them in key order, without
// encoding any: a model that cannot be saved fails before anything is
// written. It starts encoding the big records: call wait before m may
// change. With take, the big extension records are taken out of m (see
// CreateTaking) and let go of once encoded.
func pendingOf(m *model.Model, take bool) (*pendingRecords, error) {
	refs := m.RecordRefs()
	kinds := map[model.RecordKind][]byte{}
	p := &pendingRecords{recs: make([]encoded, 0, len(refs))}
	for _, r := range refs {
		if err := checkRecord(r); err != nil {
			return nil, err
		}
		kind := kinds[r.Kind]
		if kind == nil {
			kind = []byte(r.Kind)
			kinds[r.Kind] = kind
		}
		e := encoded{kind: kind, key: []byte(r.ID), record: r.Value}
		if singleton(r.Kind) {
			e.key = singletonKey
		}
		if raw, ok := r.Value.(json.RawMessage); ok && len(raw) >= bigRecordBytes {
			p.big = append(p.big, e)
			continue
		}
		p.recs = append(p.recs, e)
	}
	byKey := func(a, b encoded) int {
		return cmp.Or(bytes.Compare(a.kind, b.kind), bytes.Compare(a.key, b.key))
	}
	// Stable, so a record listed twice is written in its order, as
	// putRecords would.
	slices.SortStableFunc(p.recs, byKey)
	slices.SortStableFunc(p.big, byKey)
	p.bigErrs = make([]error, len(p.big))
	for i := range p.big {
		p.bigDone.Go(func() {
			p.bigErrs[i] = p.big[i].encode()
			if take {
				p.big[i].record = nil
			}
		})
	}
	if take {
		for _, e := range p.big {
			if model.RecordKind(e.kind) == model.RecExtension {
				delete(m.Extensions, string(e.key))
			}
		}
	}
	return p, nil
}

// encode marshals e.record into e.value, sealed.
func (e *encoded) encode() error {
	if e.record == nil {
		return nil
	}
	v, err := encodeSealed(e.kind, e.key, e.record)
	if err != nil {
		return fmt.Errorf("cannot save %s %s: %w", e.kind, e.key, err)
	}
	e.value, e.sealed = v, true
	return nil
}

// chunk encodes the next records, sealed, until they add up to limit
// bytes (at least one record), and returns them.
func (p *pendingRecords) chunk(limit int) ([]encoded, error) {
	start, size := p.next, 0
	for p.next < len(p.recs) && (p.next == start || size < limit) {
		if err := p.recs[p.next].encode(); err != nil {
			return nil, err
		}
		size += len(p.recs[p.next].value)
		p.next++
	}
	return p.recs[start:p.next], nil
}

// done reports whether every record but the big ones has been handed out.
func (p *pendingRecords) done() bool { return p.next == len(p.recs) }

// wait returns the big records once they are encoded.
func (p *pendingRecords) wait() ([]encoded, error) {
	p.bigDone.Wait()
	return p.big, errors.Join(p.bigErrs...)
}

// release lets a written chunk's encoded values go: bbolt keeps what was
// put only until its transaction ends.
func release(chunk []encoded) {
	for i := range chunk {
		chunk[i].value, chunk[i].record = nil, nil
	}
}

// encodeSealed marshals v as the value of key in a sealed bucket named
// kind, its checksum trailer included. Kept raw JSON (the document a
// format's importer keeps, which can be most of a large file) is
// compacted straight into its sealed value: json.Marshal of it built it
// in a growing buffer, then copied it out, and sealing copied it again,
// three copies of up to 100 MB held at once. The bytes are json.Marshal's.
func encodeSealed(kind, key []byte, v any) ([]byte, error) {
	if raw, ok := v.(json.RawMessage); ok {
		if sealed, ok := sealRaw(kind, key, raw); ok {
			return sealed, nil
		}
	}
	data, err := json.Marshal(v)
	if err != nil {
		return nil, err
	}
	return seal(kind, key, data), nil
}

// sealRaw compacts raw into its sealed value when that is what
// json.Marshal would write: ok is false for invalid JSON (json.Marshal
// then says what is wrong) and for text json.Marshal escapes (<, >, &,
// U+2028, U+2029), which json.Compact keeps as it is.
func sealRaw(kind, key []byte, raw json.RawMessage) ([]byte, bool) {
	if jsonread.Compact(raw) {
		out := make([]byte, len(raw), len(raw)+sumLen)
		copy(out, raw)
		return binary.LittleEndian.AppendUint32(out, recordSum(kind, key, out)), true
	}
	buf := bytes.NewBuffer(make([]byte, 0, len(raw)+sumLen))
	if json.Compact(buf, raw) != nil {
		return nil, false
	}
	out := buf.Bytes()
	// One IndexByte per byte sought: bytes.ContainsAny of them all took
	// as long as the compaction.
	for _, c := range []byte("<>&") {
		if bytes.IndexByte(out, c) >= 0 {
			return nil, false
		}
	}
	if bytes.Contains(out, []byte("\u2028")) || bytes.Contains(out, []byte("\u2029")) {
		return nil, false
	}
	return binary.LittleEndian.AppendUint32(out, recordSum(kind, key, out)), true
}

// createStaged writes a model whose records do not fit in one chunk (the
// first, already encoded) in stages (see bucketStaging), and returns its
// id. The chunks after the first are encoded on a goroutine while the one
// before is written.
func (s *Store) createStaged(p *pendingRecords, first []encoded, finish func(tx *bolt.Tx, mb *bolt.Bucket, id string) error) (string, error) {
	type encodedChunk struct {
		recs []encoded
		err  error
	}
	chunks := make(chan encodedChunk)
	stop := make(chan struct{})
	var encoder sync.WaitGroup
	encoder.Go(func() {
		defer close(chunks)
		for !p.done() {
			c, err := p.chunk(stageChunkBytes)
			select {
			case chunks <- encodedChunk{c, err}:
			case <-stop:
				return
			}
			if err != nil {
				return
			}
		}
	})
	defer func() {
		close(stop)
		encoder.Wait()
	}()

	token := []byte(strconv.FormatUint(stagingSeq.Add(1), 10))
	fail := func(err error) (string, error) {
		s.unstage(token)
		return "", err
	}
	n := 0
	for chunk := first; chunk != nil; {
		n++
		err := s.update(func(tx *bolt.Tx) error {
			sb, err := stagingBucket(tx, token, n == 1)
			if err != nil {
				return err
			}
			if err := runStageHook(n); err != nil {
				return err
			}
			return putRecords(sb, chunk)
		})
		release(chunk)
		if err != nil {
			return fail(err)
		}
		c := <-chunks
		if c.err != nil {
			return fail(c.err)
		}
		chunk = c.recs
	}
	// Every chunk is written (the encoder is done with the list, 90 bytes
	// a record): only the big records are left, for the last transaction,
	// whose commit holds each twice.
	p.recs = nil
	big, err := p.wait()
	if err != nil {
		return fail(err)
	}
	var id string
	err = s.update(func(tx *bolt.Tx) error {
		if err := runStageHook(n + 1); err != nil {
			return err
		}
		var err error
		id, err = placeStaged(tx, token, big, finish)
		return err
	})
	release(big)
	if err != nil {
		return fail(err)
	}
	return id, nil
}

func runStageHook(n int) error {
	if stageHook != nil {
		return stageHook(n)
	}
	return nil
}

// stagingBucket returns the staging bucket named token, creating it (and
// its kind buckets) when create is set.
func stagingBucket(tx *bolt.Tx, token []byte, create bool) (*bolt.Bucket, error) {
	if !create {
		if top := tx.Bucket(bucketStaging); top != nil {
			if sb := top.Bucket(token); sb != nil {
				return sb, nil
			}
		}
		return nil, errors.New("the model being written in stages is gone")
	}
	top, err := createTopBucket(tx, bucketStaging)
	if err != nil {
		return nil, err
	}
	sb, err := createBucket(top, token)
	if err != nil {
		return nil, err
	}
	return sb, ensureKindBuckets(sb)
}

// placeStaged moves staging bucket token's record kinds into a new model
// bucket, writes the records left for last there, then what write adds
// (the history entry, the tally), and removes the staging bucket; it
// returns the new model's id. The kind buckets must not have been written in this
// transaction: MoveBucket moves the header stored in the parent, which
// bbolt updates only at commit.
func placeStaged(tx *bolt.Tx, token []byte, last []encoded, write func(tx *bolt.Tx, mb *bolt.Bucket, id string) error) (string, error) {
	sb, err := stagingBucket(tx, token, false)
	if err != nil {
		return "", err
	}
	id, mb, err := newModelBucket(tx)
	if err != nil {
		return "", err
	}
	for _, k := range model.RecordKinds {
		if err := sb.MoveBucket([]byte(k), mb); err != nil {
			return "", fmt.Errorf("cannot move the staged %s records: %w", k, err)
		}
		if err := count(mb, 1); err != nil {
			return "", err
		}
	}
	top := tx.Bucket(bucketStaging)
	if err := deleteBucket(top, token); err != nil {
		return "", err
	}
	if entries(top.Sequence()) == 0 {
		if err := tx.DeleteBucket(bucketStaging); err != nil {
			return "", err
		}
	}
	if err := putRecords(mb, last); err != nil {
		return "", err
	}
	return id, write(tx, mb, id)
}

// newModelBucket creates the bucket of a new model under the next id,
// sealed and counted in meta.
func newModelBucket(tx *bolt.Tx) (string, *bolt.Bucket, error) {
	models := tx.Bucket(bucketModels)
	n, err := models.NextSequence()
	if err != nil {
		return "", nil, err
	}
	id := strconv.FormatUint(n, 10)
	mb, err := models.CreateBucket([]byte(id))
	if err != nil {
		return "", nil, err
	}
	if err := mb.SetSequence(sealMark); err != nil {
		return "", nil, err
	}
	return id, mb, addModels(tx, 1)
}

// unstage removes staging bucket token after a staged create failed. It
// is a best effort: when it fails too (the disk is still full), the next
// writable open removes it.
func (s *Store) unstage(token []byte) {
	_ = s.update(func(tx *bolt.Tx) error {
		top := tx.Bucket(bucketStaging)
		if top == nil || top.Bucket(token) == nil {
			return nil
		}
		if err := deleteBucket(top, token); err != nil {
			return err
		}
		if entries(top.Sequence()) == 0 {
			return tx.DeleteBucket(bucketStaging)
		}
		return nil
	})
}

// dropStaging removes what staged creates of a process that did not
// finish left behind: called by a writable open that found a staging
// bucket, before anything else writes. Like unstage, it is a best effort.
func (s *Store) dropStaging() {
	_ = s.update(func(tx *bolt.Tx) error {
		if tx.Bucket(bucketStaging) == nil {
			return nil
		}
		return tx.DeleteBucket(bucketStaging)
	})
}
