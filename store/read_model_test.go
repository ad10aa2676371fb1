package store

import (
	"errors"
	"path/filepath"
	"reflect"
	"strconv"
	"testing"
	"unsafe"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// ReadModel hands read the model Find loads, field for field, with the
// threats' plain texts borrowed from the workbook's map and the texts
// that needed unescaping copied; it finds by id and title as Find does,
// with Find's errors, and returns read's.
func TestReadModel(t *testing.T) {
	path := filepath.Join(t.TempDir(), "workbook.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := richModel(t, "Borrowed")
	for i := range 300 {
		must(t)(m.PutThreat(model.Threat{Title: "Threat " + strconv.Itoa(i), Description: "Plain text " + strconv.Itoa(i*7919),
			Rationale: "needs \"unescaping\" " + strconv.Itoa(i), Category: model.StrideCategories[i%6], Likelihood: i%5 + 1, Impact: 3,
			Assets: []string{"AS-001"}, Mitigations: []model.Mitigation{{Description: "Mitigation " + strconv.Itoa(i), Status: model.MitigationPlanned}}}, t0))
	}
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(mustNew(t, "Twin", "")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(mustNew(t, "twin", "")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	oldPar := parallelDecodeMin
	parallelDecodeMin = 50 // several decoders, each borrowing
	t.Cleanup(func() { parallelDecodeMin = oldPar })
	// Read-only, as the commands open it, and read-write.
	for _, readOnly := range []bool{true, false} {
		t.Run("readOnly="+strconv.FormatBool(readOnly), func(t *testing.T) {
			s, err := Open(path, Options{ReadOnly: readOnly})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			want, err := s.Find("borrowed")
			if err != nil {
				t.Fatal(err)
			}
			for _, ref := range []string{id, " BORROWED "} {
				calls := 0
				err := s.ReadModel(ref, func(got *model.Model) error {
					calls++
					if !reflect.DeepEqual(got, want) {
						t.Errorf("ReadModel(%q) differs from Find", ref)
					}
					mapped := func(text string) bool { return mappedIn(s, text) }
					th := got.Threats[len(got.Threats)-1]
					if !mapped(th.Title) || !mapped(th.Description) || !mapped(th.Mitigations[0].Description) || !mapped(th.Assets[0]) {
						t.Errorf("the plain texts of %s are copies, not the workbook's bytes", th.ID)
					}
					if mapped(th.Rationale) {
						t.Errorf("the unescaped rationale of %s points into the map", th.ID)
					}
					return nil
				})
				if err != nil || calls != 1 {
					t.Fatalf("ReadModel(%q) = %v after %d calls of read", ref, err, calls)
				}
			}
			// Above borrowMax the texts are copies, as Find makes them.
			oldMax := borrowMax
			borrowMax = 1
			err = s.ReadModel(id, func(got *model.Model) error {
				if !reflect.DeepEqual(got, want) {
					t.Error("ReadModel of a large workbook differs from Find")
				}
				if th := got.Threats[len(got.Threats)-1]; mappedIn(s, th.Title) || mappedIn(s, th.Assets[0]) {
					t.Errorf("the texts of %s in a large workbook point into the map", th.ID)
				}
				return nil
			})
			borrowMax = oldMax
			if err != nil {
				t.Fatal(err)
			}
			stop := errors.New("stop")
			if err := s.ReadModel(id, func(*model.Model) error { return stop }); err != stop {
				t.Errorf("ReadModel returned %v, not read's error", err)
			}
			called := false
			read := func(*model.Model) error { called = true; return nil }
			if err := s.ReadModel("nope", read); !errors.Is(err, ErrNotFound) {
				t.Errorf("ReadModel(nope) = %v, want ErrNotFound", err)
			}
			if _, ok := errors.AsType[*AmbiguousError](s.ReadModel("TWIN", read)); !ok {
				t.Error("ReadModel(TWIN) is not ambiguous")
			}
			if called {
				t.Error("read was called without a model")
			}
		})
	}
}

// mappedIn reports whether text's bytes are in s's memory map of the file.
func mappedIn(s *Store, text string) bool {
	data := uintptr(s.db.Info().Data)
	p := uintptr(unsafe.Pointer(unsafe.StringData(text)))
	return p >= data && p < data+uintptr(mapSize(s))
}

// mapSize is the length of s's memory map of the file.
func mapSize(s *Store) int {
	var size int
	_ = s.db.View(func(tx *bolt.Tx) error {
		size = int(tx.Size())
		return nil
	})
	return size
}
