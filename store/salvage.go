package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// Salvage reads a damaged workbook the way inspect does — page by page,
// every reference bounds-checked, never through bbolt — and copies every
// record that verifies (its checksum, or for workbooks older than schema 2
// its decoding) into a new workbook at dest. Each model becomes a model of
// the new workbook; the report says, per model, what could not be saved.

// SalvageReport says what Salvage saved.
type SalvageReport struct {
	// Dest is the new workbook.
	Dest string
	// Models has one entry per model found, in id order.
	Models []SalvagedModel
	// Libraries is the number of team library versions copied.
	Libraries int
	// Lost lists what was lost outside any model (one clause each).
	Lost []string
}

// SalvagedModel is one model's part of a SalvageReport.
type SalvagedModel struct {
	// ID is the model's id in the damaged workbook; NewID its id in the
	// new one ("" when nothing of it could be saved).
	ID, NewID string
	Title     string
	// Saved counts the records copied; Lost says what was not, one
	// clause each (empty when the model came through whole).
	Saved int
	Lost  []string
}

// salvaged is what the walk collected of one model.
type salvaged struct {
	records map[model.RecordKind][]salvagedRecord
	lost    []string
}

type salvagedRecord struct {
	id   string
	data []byte
}

// Salvage copies what verifies in the workbook at src to a new workbook at
// dest, which must not exist yet. src is only read.
func Salvage(src, dest string) (*SalvageReport, error) {
	if abs, err := filepath.Abs(src); err == nil {
		src = abs
	}
	if abs, err := filepath.Abs(dest); err == nil {
		dest = abs
	}
	if _, err := os.Stat(dest); err == nil {
		return nil, fmt.Errorf("cannot salvage into %s: it already exists; choose a new file", dest)
	}
	f, err := os.Open(src)
	if err != nil {
		return nil, fmt.Errorf("cannot open workbook %s: %w", src, unwrapPath(err))
	}
	defer f.Close()
	if err := lockFile(f, false, DefaultTimeout); err != nil {
		if errors.Is(err, errLockBusy) {
			return nil, &LockedError{Path: src}
		}
		return nil, fmt.Errorf("cannot lock workbook %s: %w", src, err)
	}
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot open workbook %s: %w", src, unwrapPath(err))
	}
	var w *salvageWalk
	err = guard(src, func() (err error) {
		w, err = walkForSalvage(f, st.Size())
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("nothing can be salvaged from %s: %w", src, describe(src, err))
	}

	out, err := Open(dest, Options{})
	if err != nil {
		return nil, err
	}
	defer out.Close()
	rep := &SalvageReport{Dest: dest, Lost: w.lost}
	ids := make([]string, 0, len(w.models))
	for id := range w.models {
		ids = append(ids, id)
	}
	slices.SortFunc(ids, func(a, b string) int { return model.NewIDKey(a).Compare(model.NewIDKey(b)) })
	for _, id := range ids {
		sm, err := out.saveSalvaged(id, w.models[id])
		if err != nil {
			return nil, err
		}
		rep.Models = append(rep.Models, sm)
	}
	for _, l := range w.libraries {
		if _, err := out.AddLibrary(l.lib, l.added); err != nil {
			rep.Lost = append(rep.Lost, fmt.Sprintf("team library %q: %v", l.lib.Name, err))
			continue
		}
		rep.Libraries++
	}
	if err := out.Close(); err != nil {
		return nil, fmt.Errorf("cannot close workbook %s: %w", dest, err)
	}
	return rep, nil
}

// saveSalvaged decodes one model's records and creates it.
func (s *Store) saveSalvaged(id string, sv *salvaged) (SalvagedModel, error) {
	sm := SalvagedModel{ID: id, Lost: sv.lost}
	m := &model.Model{}
	rd := newRecordDecoder()
	for _, kind := range model.RecordKinds {
		for _, r := range sv.records[kind] {
			v, _ := model.NewRecordValue(kind)
			if err := rd.decode(kind, r.data, v); err != nil {
				sm.Lost = append(sm.Lost, fmt.Sprintf("%s %q does not decode", kind, shorten(r.id)))
				continue
			}
			m.AppendRecord(kind, r.id, v)
			sm.Saved++
		}
	}
	if len(sv.records[model.RecOverview]) == 0 || m.Overview.Title == "" {
		if sm.Saved == 0 {
			sm.Lost = append(sm.Lost, "nothing of it could be read")
			return sm, nil
		}
		sm.Lost = append(sm.Lost, "its overview was lost, so it is titled by its old id")
		m.Overview.Title = "Salvaged model " + id
	}
	sm.Title = m.Overview.Title
	m.Normalize()
	newID, err := s.Create(m)
	if err != nil {
		return sm, err
	}
	sm.NewID = newID
	return sm, nil
}

// salvageLibrary is one team library version found intact.
type salvageLibrary struct {
	lib   model.Library
	added time.Time
}

// salvageWalk walks a file's trees, keeping what verifies.
type salvageWalk struct {
	in        *inspector
	models    map[string]*salvaged
	libraries []salvageLibrary
	lost      []string
	// libParts gathers a library version's two records.
	libParts map[string]map[string][]byte
}

func walkForSalvage(f *os.File, size int64) (*salvageWalk, error) {
	// inspect checks the header pages and sets up the page reader; its
	// walk stops at the first damage outside a model, so salvage walks
	// again, on, past damage.
	head, m, release, err := readHeader(f, size, true)
	if err != nil {
		return nil, err
	}
	defer release()
	w := &salvageWalk{in: head, models: map[string]*salvaged{}, libParts: map[string]map[string][]byte{}}
	if err := head.freelist(m.freelist); err != nil {
		head.freed = nil // a damaged free list only weakens the checks
	}
	if head.hwm < m.pgid {
		w.lost = append(w.lost, fmt.Sprintf("the file is cut short: %d of its %d pages are missing", m.pgid-head.hwm, m.pgid))
	}
	w.walk(m.root, nil, 0, nil, false)
	for key, parts := range w.libParts {
		var l model.Library
		var info libraryInfo
		if json.Unmarshal(parts[string(keyLibraryData)], &l) != nil || json.Unmarshal(parts[string(keyLibraryInfo)], &info) != nil {
			w.lost = append(w.lost, "team library "+key+" did not verify")
			continue
		}
		w.libraries = append(w.libraries, salvageLibrary{l, info.Added})
	}
	slices.SortFunc(w.libraries, func(a, b salvageLibrary) int { return a.added.Compare(b.added) })
	return w, nil
}

// model returns the collection for model id.
func (w *salvageWalk) model(id string) *salvaged {
	sv := w.models[id]
	if sv == nil {
		sv = &salvaged{records: map[model.RecordKind][]salvagedRecord{}}
		w.models[id] = sv
	}
	return sv
}

// problem records damage at path.
func (w *salvageWalk) problem(path []string, what string) {
	if id := modelOf(path); id != "" {
		sv := w.model(id)
		sv.lost = append(sv.lost, what)
		return
	}
	if len(path) > 0 && path[0] == string(bucketMeta) {
		return // meta is rebuilt by the new workbook
	}
	w.lost = append(w.lost, what)
}

// walk collects the entries of one bucket's tree, carrying on past damage,
// and returns how many entries it found.
func (w *salvageWalk) walk(root uint64, inline []byte, depth int, path []string, sealed bool) uint64 {
	in := w.in
	where := "the workbook's top level"
	if len(path) > 1 {
		where = "part of " + countWord(path)
	} else if len(path) == 1 {
		where = "part of bucket " + path[0]
	}
	if depth > maxTreeDepth {
		w.problem(path, where+" is impossibly deep")
		return 0
	}
	var p []byte
	if root == 0 && inline != nil {
		if len(inline) < pageHeaderSize || u16(inline[8:]) != flagLeaf {
			w.problem(path, where+" is unreadable")
			return 0
		}
		p = inline
	} else {
		var err error
		if p, err = in.page(root, 0); err != nil {
			w.problem(path, where+" could not be read: "+err.Error())
			return 0
		}
	}
	count := int(u16(p[10:]))
	if pageHeaderSize+count*elemSize > len(p) {
		w.problem(path, where+" could not be read: a page holds more elements than fit in it")
		count = (len(p) - pageHeaderSize) / elemSize
	}
	branch := u16(p[8:]) == flagBranch
	var n uint64
	for i := range count {
		el, ok := elementAt(p, i, branch)
		if !ok {
			w.problem(path, where+" could not be read: a key or value runs past its page")
			continue
		}
		key, value := el.key, el.value
		if branch {
			n += w.walk(el.child, nil, depth+1, path, sealed)
			continue
		}
		n++
		if !el.bucket {
			w.value(path, key, value, sealed)
			continue
		}
		if len(value) < bucketHeaderLen {
			w.problem(path, where+": a bucket header is truncated")
			continue
		}
		sub := append(path[:len(path):len(path)], string(key))
		if isStaging(sub) {
			continue // an unfinished import: nothing of it was ever a model
		}
		seq := u64(value[8:])
		subSealed := seq&sealMark != 0
		got := w.walk(u64(value), value[bucketHeaderLen:], depth+1, sub, subSealed)
		if subSealed && got < entries(seq) {
			w.problem(sub, fmt.Sprintf("%d of %s could not be reached", entries(seq)-got, countWord(sub)))
		}
	}
	return n
}

// value keeps one value if it verifies.
func (w *salvageWalk) value(path []string, key, value []byte, sealed bool) {
	if len(path) == 0 {
		return
	}
	name := []byte(path[len(path)-1])
	payload := value
	if sealed && !plainMeta(name, key) {
		var ok bool
		if payload, ok = unseal(name, key, value); !ok {
			w.problem(path, recordName(path, key)+" fails its checksum")
			return
		}
	}
	switch {
	case len(path) == 3 && path[0] == string(bucketModels):
		kind := model.RecordKind(path[2])
		if !knownKind(kind) {
			return
		}
		id := string(key)
		if singleton(kind) {
			id = ""
		}
		sv := w.model(path[1])
		sv.records[kind] = append(sv.records[kind], salvagedRecord{id, append([]byte(nil), payload...)})
	case len(path) == 3 && path[0] == string(bucketLibraries):
		k := strconv.Quote(path[1]) + " version " + path[2]
		if w.libParts[k] == nil {
			w.libParts[k] = map[string][]byte{}
		}
		w.libParts[k][string(key)] = append([]byte(nil), payload...)
	}
}
