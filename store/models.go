package store

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// Create adds m to the workbook under a new id and sets m.ID. The model
// appears in one transaction; one too large for a single chunk of writes
// is written in stages first (see bucketStaging).
func (s *Store) Create(m *model.Model) (string, error) { return s.create(m, false) }

// CreateTaking is Create for a caller that is done with m's kept
// documents: each extension record of bigRecordBytes or more is taken out
// of m.Extensions as soon as Create holds it, so that its bytes are not
// held a third time while bbolt writes them. The last transaction of a
// 100,000-element TM-BOM import (a 92 MB kept document) held 400 MiB live
// instead of about 310, and import could not run under a lower memory
// limit without its collector running back to back. Whether Create
// succeeds or not, those records are gone from m; the rest of m is left
// as it is.
func (s *Store) CreateTaking(m *model.Model) (string, error) { return s.create(m, true) }

func (s *Store) create(m *model.Model, take bool) (string, error) {
	// The records of a whole model are not worth naming one by one.
	hist := s.encodeHistory(model.Edit{Label: "Created model " + m.Overview.Title})
	// Tallied before anything is taken out of m.
	tally := model.TallyOf(m)
	p, err := pendingOf(m, take)
	if err != nil {
		return "", err
	}
	// Until the big records are encoded, m is being read.
	defer p.wait()
	first, err := p.chunk(stageChunkBytes)
	if err != nil {
		return "", err
	}
	finish := func(tx *bolt.Tx, mb *bolt.Bucket, id string) error {
		seq, err := putHistory(mb, hist)
		if err != nil {
			return err
		}
		return writeTally(mb, id, tally, seq)
	}
	var id string
	if p.done() {
		var big []encoded
		if big, err = p.wait(); err != nil {
			return "", err
		}
		first = slices.Concat(first, big)
		err = s.update(func(tx *bolt.Tx) error {
			var mb *bolt.Bucket
			var err error
			if id, mb, err = newModelBucket(tx); err != nil {
				return err
			}
			if err := ensureKindBuckets(mb); err != nil {
				return err
			}
			if err := putRecords(mb, first); err != nil {
				return err
			}
			return finish(tx, mb, id)
		})
	} else {
		id, err = s.createStaged(p, first, finish)
	}
	if err != nil {
		return "", s.writeErr("save the new model", err)
	}
	m.ID = id
	return id, nil
}

// Commit persists one edit of model modelID in one transaction: every
// record is written (or, with a nil Value, deleted) or none is, and so are
// the edit's entry in the model's history and the model's tally (see
// keySummary): each record's old value is counted out of it and the new
// one in, or, when the tally was missing or stale, it is rebuilt.
func (s *Store) Commit(modelID string, e model.Edit) error {
	recs, err := encodeRecords(e.Records)
	if err != nil {
		return err
	}
	hist := s.encodeHistory(e)
	err = s.update(func(tx *bolt.Tx) error {
		mb, err := s.bucketOf(tx, modelID)
		if err != nil {
			return err
		}
		tally, current := readTally(mb, modelID)
		rd := newRecordDecoder()
		for _, r := range recs {
			if current {
				if err := s.tallyEdit(rd, mb, modelID, r, &tally); err != nil {
					return err
				}
			}
			if err := putRecords(mb, []encoded{r}); err != nil {
				return err
			}
		}
		seq, err := putHistory(mb, hist)
		if err != nil {
			return err
		}
		if !current {
			if tally, err = s.storedTally(tx, modelID); err != nil {
				return err
			}
		}
		return writeTally(mb, modelID, tally, seq)
	})
	if err != nil {
		return s.writeErr("save the change", err)
	}
	return nil
}

// Delete removes model modelID and everything in it.
func (s *Store) Delete(modelID string) error {
	err := s.update(func(tx *bolt.Tx) error {
		if _, err := s.bucketOf(tx, modelID); err != nil {
			return err
		}
		if err := tx.Bucket(bucketModels).DeleteBucket([]byte(modelID)); err != nil {
			return err
		}
		if err := addModels(tx, -1); err != nil {
			return err
		}
		// Resuming must not land in a model that is gone.
		if p, _ := readPosition(tx.Bucket(bucketMeta)); p.ModelID == modelID {
			return deleteValue(tx.Bucket(bucketMeta), keyPosition)
		}
		return nil
	})
	if err != nil {
		return s.writeErr("delete the model", err)
	}
	return nil
}

// Load reads model id in one read transaction.
func (s *Store) Load(id string) (*model.Model, error) {
	var m *model.Model
	err := s.view(func(tx *bolt.Tx) (err error) {
		m, err = s.loadIn(tx, id)
		return err
	})
	return m, err
}

// List describes every model, in id order. A damaged model is listed with
// Summary.Damage saying what is wrong (and its title, when that could be
// read), so the healthy ones stay reachable. Each model's line comes from
// its stored tally (see keySummary); a model without a current one is
// decoded whole, as it was before tallies were kept.
func (s *Store) List() ([]model.Summary, error) {
	var out []model.Summary
	err := s.view(func(tx *bolt.Tx) error {
		for _, id := range modelIDs(tx) {
			var sum model.Summary
			// Each model is read under its own guard: a fault in one
			// is that model's damage, not the listing's.
			err := guard(s.path, func() error {
				mb, err := s.bucketOf(tx, id)
				if err != nil {
					return err
				}
				if t, ok := readTally(mb, id); ok {
					sum = t.Summary()
					sum.ID = id
					return nil
				}
				m, err := s.loadIn(tx, id)
				if err == nil {
					sum = m.Summarize()
				}
				return err
			})
			if ce, ok := errors.AsType[*CorruptError](err); ok {
				if ce.fault {
					s.damage.note(s.path, id, ce.Detail)
				}
				out = append(out, s.damagedSummary(id))
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, sum)
		}
		return nil
	})
	return out, err
}

// damagedSummary lists a damaged model.
func (s *Store) damagedSummary(id string) model.Summary {
	models, titles := s.damage.damagedModels()
	return model.Summary{ID: id, Title: titles[id], Damage: models[id]}
}

// bucketOf returns the bucket of model id: a *NotFoundError when there is
// none, and the model's damage when it is damaged (its pages are then
// never handed to bbolt, which trusts them).
func (s *Store) bucketOf(tx *bolt.Tx, id string) (*bolt.Bucket, error) {
	if d := s.damage.model(id); d != "" {
		return nil, s.modelErr(id, d)
	}
	mb := modelBucket(tx, id)
	if mb == nil {
		return nil, &NotFoundError{Ref: id}
	}
	return mb, nil
}

// Find loads the model whose id is ref or, failing that, whose title equals
// ref ignoring case. No match gives an error matching ErrNotFound; a title
// several models share gives an *AmbiguousError.
func (s *Store) Find(ref string) (*model.Model, error) {
	var m *model.Model
	err := s.find(ref, func(*bolt.Tx) *recordDecoder { return newRecordDecoder() }, func(found *model.Model) error {
		m = found
		return nil
	})
	return m, err
}

// ReadModel finds the model ref names, as Find does, and calls read with
// it inside the same read transaction, returning read's error (or Find's).
// It is for the one-shot commands that read a model once and exit (export,
// check): the model's texts are not copied out of the workbook but are
// the workbook's own bytes, in bbolt's read-only memory map, which a
// read transaction keeps in place. So the model and every string in it
// are valid only until read returns: read must not keep any of it, hand
// it to a goroutine that outlives it, or edit it, nor write to this
// workbook (a write that grows the file waits for the read transaction to
// end, which waits for read). A fault reading the map
// (the file cut short under the lock by something else) is a
// *CorruptError, as in any load. Texts that need unescaping are copied as
// Find copies them, and records the fast decoder does not read are
// decoded by encoding/json, which copies. A workbook larger than
// borrowMax is read as Find reads it (the same rule for read holds).
func (s *Store) ReadModel(ref string, read func(*model.Model) error) error {
	return s.find(ref, func(tx *bolt.Tx) *recordDecoder {
		if tx.Size() > borrowMax {
			return newRecordDecoder()
		}
		return newBorrowingDecoder()
	}, read)
}

// borrowMax is the largest workbook ReadModel reads in place. The texts
// in place keep the file's pages resident, where a load that copies them
// lets the pages go as it decodes (dropMapped): at 10,000 threats (a 10
// MB file) in place cost 1-4 MiB more peak RSS for 15% less CPU, at
// 100,000 (100 MB) 58 MB more for no less CPU. (A variable so tests can
// lower it.)
var borrowMax int64 = 32 << 20

// find finds the model ref names (see Find), decodes it with the decoder
// decoder makes for the transaction and calls use with it inside the
// transaction.
func (s *Store) find(ref string, decoder func(*bolt.Tx) *recordDecoder, use func(*model.Model) error) error {
	ref = strings.TrimSpace(ref)
	return s.view(func(tx *bolt.Tx) error {
		load := func(id string) error {
			m, err := s.loadWith(tx, id, decoder(tx))
			if err != nil {
				return err
			}
			return use(m)
		}
		if modelBucket(tx, ref) != nil {
			return load(ref)
		}
		var ids []string
		_, titles := s.damage.damagedModels()
		for _, id := range modelIDs(tx) {
			var ov model.Overview
			if t, ok := titles[id]; ok {
				ov.Title = t
			} else if mb, err := s.bucketOf(tx, id); err != nil {
				continue // damaged, title unknown
			} else if data, err := s.singleton(mb, id, model.RecOverview); err != nil {
				return err
			} else if err := s.decode(nil, id, model.RecOverview, "", data, &ov); err != nil {
				return err
			}
			if strings.EqualFold(strings.TrimSpace(ov.Title), ref) {
				ids = append(ids, id)
			}
		}
		switch len(ids) {
		case 0:
			return &NotFoundError{Ref: ref}
		case 1:
			return load(ids[0])
		}
		return &AmbiguousError{Ref: ref, IDs: ids}
	})
}

// modelIDs lists the model ids in numeric order (bbolt orders keys as
// bytes, which puts "10" before "2").
func modelIDs(tx *bolt.Tx) []string {
	var ids []string
	_ = tx.Bucket(bucketModels).ForEachBucket(func(k []byte) error {
		ids = append(ids, string(k))
		return nil
	})
	slices.SortFunc(ids, func(a, b string) int {
		return cmp.Or(cmp.Compare(len(a), len(b)), strings.Compare(a, b))
	})
	return ids
}

// loadIn decodes every record of model id.
func (s *Store) loadIn(tx *bolt.Tx, id string) (*model.Model, error) {
	return s.loadWith(tx, id, newRecordDecoder())
}

// loadWith decodes every record of model id with rd (a preview's decodes
// threats as rows), normalized.
func (s *Store) loadWith(tx *bolt.Tx, id string, rd *recordDecoder) (*model.Model, error) {
	m, err := s.loadRecords(tx, id, rd)
	if err != nil {
		return nil, err
	}
	// Normalize ends with Sort, which puts every list in canonical order.
	m.Normalize()
	return m, nil
}

// loadRecords decodes every record of model id with rd into a model, as
// stored: not normalized.
func (s *Store) loadRecords(tx *bolt.Tx, id string, rd *recordDecoder) (*model.Model, error) {
	mb, err := s.bucketOf(tx, id)
	if err != nil {
		return nil, err
	}
	m := &model.Model{ID: id}
	for _, kind := range model.RecordKinds {
		b := mb.Bucket([]byte(kind))
		if b == nil {
			continue
		}
		if singleton(kind) {
			data, err := s.singleton(mb, id, kind)
			if err != nil {
				return nil, err
			}
			if data != nil {
				v, _ := model.NewRecordValue(kind)
				if err := s.decode(rd, id, kind, "", data, v); err != nil {
					return nil, err
				}
				m.AppendRecord(kind, "", v)
			}
			continue
		}
		if err := s.decodeBucket(rd, m, id, kind, b); err != nil {
			return nil, err
		}
	}
	return m, nil
}

// decodeBucket decodes every record of one kind into m.
func (s *Store) decodeBucket(rd *recordDecoder, m *model.Model, id string, kind model.RecordKind, b *bolt.Bucket) error {
	// bbolt orders keys as bytes ("T-1000" before "T-101"); decoding in the
	// model's natural id order lets m.Sort find its lists already sorted,
	// which for 10,000 threats saves a sort that moves large structs.
	type kv struct {
		key  model.IDKey
		raw  []byte // the stored key, which its checksum covers
		data []byte
	}
	// The first walk only counts, so the second fills a list of the right
	// size: growing it as it went was a third of the walk's time in a
	// fresh process, the second walk finds its pages already mapped.
	c := b.Cursor()
	n := 0
	for k, data := c.First(); k != nil; k, data = c.Next() {
		if data != nil { // a nested bucket is not a record
			n++
		}
	}
	recs := make([]kv, 0, n)
	for k, data := c.First(); k != nil; k, data = c.Next() {
		if data != nil {
			recs = append(recs, kv{model.NewIDKey(string(k)), k, data})
		}
	}
	recs = naturalOrder(recs, func(r kv) int { return len(r.raw) }, func(a, b kv) int { return a.key.Compare(b.key) })
	// A large bucket's walk has mapped every one of its pages: let them go
	// now and as decoding moves on, so a 100,000-threat load holds the
	// model, not the model and the 110 MB file besides. A preview's rows
	// keep them: the load behind it lets them go as it starts, and
	// dropping them under the preview's own decoding made it fault every
	// page in twice (a seventh of its page faults).
	drop := !rd.rows && !rd.texts.borrow && (len(recs) >= dropMappedMin || s.readOnly && len(recs) >= dropMappedReadOnlyMin)
	if drop {
		dropMapped(b.Tx())
	}
	// List kinds are decoded straight into their place in m; the others
	// (dismissed ids, extensions, counters) into values appended after.
	at, inPlace := m.Extend(kind, len(recs))
	var vals []any
	if !inPlace {
		vals = make([]any, len(recs))
		at = func(i int) any {
			v, _ := model.NewRecordValue(kind)
			vals[i] = v
			return v
		}
	}
	// Decoding is most of a load; large buckets are split across the CPUs.
	// Each part has its own decoder, and the first error in record order
	// wins, so the result does not depend on scheduling.
	sealed := isSealed(b)
	sum := sumOf([]byte(kind))
	parts := min(runtime.GOMAXPROCS(0), len(recs)/parallelDecodeMin)
	if parts < 2 {
		parts = 1
	}
	errs := make([]error, parts)
	decodePart := func(p int, rd *recordDecoder) {
		start := p * len(recs) / parts
		for i := start; i < (p+1)*len(recs)/parts; i++ {
			if drop && (i-start)%dropMappedEvery == dropMappedEvery-1 {
				dropMapped(b.Tx())
			}
			data := recs[i].data
			if sealed && s.checked && len(data) >= sumLen {
				// Verified at open (Store.checked): a tenth of a
				// fresh export's decoding was checking it again.
				data = data[:len(data)-sumLen]
			} else if sealed {
				var ok bool
				if data, ok = sum.unseal(recs[i].raw, data); !ok {
					errs[p] = s.damagedRecord(id, kind, recs[i].key.ID(), "fails its checksum")
					return
				}
			}
			if err := s.decode(rd, id, kind, recs[i].key.ID(), data, at(i)); err != nil {
				errs[p] = err
				return
			}
		}
	}
	var wg sync.WaitGroup
	for p := 1; p < parts; p++ {
		wg.Go(func() {
			// The values point into bbolt's memory map, valid while this
			// transaction is open: guard the worker as the caller is.
			errs[p] = guard(s.path, func() error {
				decodePart(p, rd.sibling())
				return errs[p]
			})
		})
	}
	decodePart(0, rd)
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	if sealed && uint64(len(recs)) != entries(b.Sequence()) {
		return s.damagedRecord(id, kind, "", fmt.Sprintf("records number %d, not %d as recorded, so some were lost", len(recs), entries(b.Sequence())))
	}
	for i, v := range vals {
		m.AppendRecord(kind, recs[i].key.ID(), v)
	}
	return nil
}

// dropMappedMin is the number of records from which a bucket's decoding
// lets the file's mapped pages go (dropMapped), every dropMappedEvery
// records of each part: below it the file is small. (Variables so tests
// can drop small buckets.)
var dropMappedMin, dropMappedEvery = 20000, 4096

// dropMappedReadOnlyMin is dropMappedMin of a read-only store: export,
// list and check load a model once and exit, and their peak resident set
// is the model plus every page of the file they mapped. Letting the pages
// go from 4,000 records took export --format json of 10,000 threats from
// 41.6 to 36.4 MiB peak RSS at the same CPU (73-76 ms); the interactive
// workbook, which opens read-write and whose start-up is measured in
// milliseconds, keeps dropMappedMin.
const dropMappedReadOnlyMin = 4000

// parallelDecodeMin is the number of records per CPU below which a bucket
// is decoded on one goroutine: starting workers costs more than it saves.
// (A variable so tests can split small buckets.)
var parallelDecodeMin = 1000

// decode unmarshals one stored record; a record that does not decode means
// the file was damaged or written by something else.
func (s *Store) decode(rd *recordDecoder, modelID string, kind model.RecordKind, recID string, data []byte, v any) error {
	if data == nil {
		return s.damagedRecord(modelID, kind, "", "is missing")
	}
	if err := rd.decode(kind, data, v); err != nil {
		return s.damagedRecord(modelID, kind, recID, "does not decode: "+shorten(err.Error()))
	}
	return nil
}

// damagedRecord notes damage found while reading a record of a model and
// returns the error for it; the model is not read again.
func (s *Store) damagedRecord(modelID string, kind model.RecordKind, recID, what string) error {
	name := string(kind)
	if recID != "" {
		name += " " + strconv.Quote(shorten(recID))
	}
	detail := name + " " + what
	s.damage.note(s.path, modelID, detail)
	return s.modelErr(modelID, detail)
}

// singleton returns the payload of a singleton record of model id (nil
// when missing), checking its checksum.
func (s *Store) singleton(mb *bolt.Bucket, id string, kind model.RecordKind) ([]byte, error) {
	b := mb.Bucket([]byte(kind))
	if b == nil {
		return nil, nil
	}
	data, ok := getValue(b, []byte(kind), singletonKey)
	if !ok {
		return nil, s.damagedRecord(id, kind, "", "fails its checksum")
	}
	return data, nil
}

// encoded is a record ready to write: its bucket, key and JSON (nil
// deletes), and the value it was marshalled from, for the model's tally.
// sealed is set when value already ends with its checksum trailer.
type encoded struct {
	kind   []byte
	key    []byte
	value  []byte
	record any
	sealed bool
}

// encodeRecords marshals records before the write transaction starts, so
// the file's write lock is held only for the writes themselves.
func encodeRecords(recs []model.Record) ([]encoded, error) {
	out := make([]encoded, 0, len(recs))
	for _, r := range recs {
		if err := checkRecord(r); err != nil {
			return nil, err
		}
		e := encoded{kind: []byte(r.Kind), key: []byte(r.ID), record: r.Value}
		if singleton(r.Kind) {
			e.key = singletonKey
		}
		if r.Value != nil {
			data, err := json.Marshal(r.Value)
			if err != nil {
				return nil, fmt.Errorf("cannot save %s %s: %w", r.Kind, r.ID, err)
			}
			e.value = data
		}
		out = append(out, e)
	}
	return out, nil
}

// checkRecord refuses a record the store cannot save.
func checkRecord(r model.Record) error {
	if !knownKind(r.Kind) {
		return fmt.Errorf("cannot save a record of unknown kind %q", r.Kind)
	}
	if !singleton(r.Kind) && (r.ID == "" || len(r.ID) > bolt.MaxKeySize) {
		return fmt.Errorf("cannot save a %s record without a valid id", r.Kind)
	}
	return nil
}

// recordFill is how full bbolt packs a record page when it splits one.
// bbolt's default is 50%, and its documentation suggests more when writes
// mostly add keys in order. Ours do: a model is written whole when it is
// created or imported, and grows by new ids after. At 50% a model of
// 10,000 threats took 5,000 pages 42% full; at 90% it takes half the file,
// and opening it (the page check, then the load) touches half the pages.
// The 10% left free lets a record grow by a mitigation or two without
// splitting its page.
const recordFill = 0.9

// putRecords writes (or, with a nil value, deletes) encoded records.
// They are written in the file's key order, kind by kind: bbolt keeps a
// page's keys in one sorted array and makes room for each key put by
// moving the keys after it, so a new model's records put in id order
// ("T-9" before "T-10", which sorts first as bytes) moved most of that
// array each time. Importing 100,000 threats spent a third of its time in
// those moves. The sort is stable, so a record put twice keeps its order.
func putRecords(mb *bolt.Bucket, recs []encoded) error {
	byKey := func(a, b encoded) int {
		if c := bytes.Compare(a.kind, b.kind); c != 0 {
			return c
		}
		return bytes.Compare(a.key, b.key)
	}
	if !slices.IsSortedFunc(recs, byKey) {
		recs = slices.Clone(recs)
		slices.SortStableFunc(recs, byKey)
	}
	for _, r := range recs {
		b, err := createBucket(mb, r.kind)
		if err != nil {
			return err
		}
		b.FillPercent = recordFill
		switch {
		case r.value == nil:
			err = deleteValue(b, r.key)
		case r.sealed:
			err = putRaw(b, r.key, r.value)
		default:
			err = putValue(b, r.kind, r.key, r.value)
		}
		if err != nil {
			return err
		}
	}
	return nil
}

// ensureKindBuckets gives a model bucket one sub-bucket per record kind.
func ensureKindBuckets(mb *bolt.Bucket) error {
	for _, k := range model.RecordKinds {
		if _, err := createBucket(mb, []byte(k)); err != nil {
			return err
		}
	}
	return nil
}

// writeErr names what failed; store errors that already say it pass as is.
func (s *Store) writeErr(what string, err error) error {
	var nf *NotFoundError
	var lnf *LibraryNotFoundError
	var ce *CorruptError
	if errors.As(err, &nf) || errors.As(err, &lnf) || errors.As(err, &ce) || errors.Is(err, ErrReadOnly) {
		return err
	}
	return fmt.Errorf("cannot %s in workbook %s: %w", what, s.path, err)
}

// shorten bounds text from a damaged file quoted in a message.
func shorten(s string) string {
	const limit = 60
	if r := []rune(s); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return s
}
