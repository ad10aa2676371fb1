package store

import (
	"bytes"
	"encoding/binary"
	"os"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// Damage found while reading, after a clean open — here a record whose
// checksum is right but which does not decode, as a bug in an older build
// could write — stops all writes from then on, and the file stays as it was.
func TestDamageFoundWhileReadingStopsWrites(t *testing.T) {
	s := newStore(t)
	good, _ := s.Create(richModel(t, "Good"))
	bad, _ := s.Create(richModel(t, "Bad"))
	err := s.update(func(tx *bolt.Tx) error {
		b := modelBucket(tx, bad).Bucket([]byte(model.RecThreat))
		return putValue(b, []byte(model.RecThreat), []byte("T-001"), []byte(`{"id":"T-001","likelihood":"high"}`))
	})
	if err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	s, err = Open(path, Options{})
	if err != nil || s.Damaged() != nil {
		t.Fatalf("open: %v, %v", err, s.Damaged())
	}
	defer s.Close()
	before := readFile(t, path)
	if _, err := s.Load(bad); !isCorrupt(err) || !strings.Contains(err.Error(), `threat "T-001" does not decode`) {
		t.Fatalf("Load of the bad model: %v", err)
	}
	if s.Damaged() == nil {
		t.Fatal("damage found while reading did not stop writes")
	}
	if _, err := s.Load(good); err != nil {
		t.Fatalf("the good model no longer loads: %v", err)
	}
	sums, err := s.List()
	if err != nil || sums[1].Damage == "" || sums[0].Damage != "" {
		t.Fatalf("List: %+v %v", sums, err)
	}
	if _, err := s.Create(mustNew(t, "After", "")); err == nil || err.Error() != s.Damaged().Error() {
		t.Fatalf("write after damage: %v", err)
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Fatal("written after damage")
	}
}

// A tree page whose flags are 0 used to pass the open-time check (bbolt
// then asserted when reading it, and writes went through): it is damage.
func TestTreePageWithZeroFlags(t *testing.T) {
	data := realWorkbook(t, 400)
	want := wantOf(t, data)
	pages, size, _ := pagesOf(data)
	n := 0
	for i, p := range pages {
		// Every branch page, and every fourth leaf: enough to meet each
		// level of every tree and keep the test quick.
		if p.flags != flagBranch && (p.flags != flagLeaf || i%4 != 0) {
			continue
		}
		d := bytes.Clone(data)
		binary.NativeEndian.PutUint16(d[p.id*size+8:], 0)
		o := checkVariant(t, "flags 0", d, want, nil)
		if o == outIdentical && !freePage(t, data, p.id) {
			t.Errorf("page %d with flags 0 opened as healthy", p.id)
		}
		n++
	}
	if n == 0 {
		t.Fatal("no tree pages")
	}
}

// freePage reports whether page id is on the free list of the workbook
// data (a page there is not read, so its flags do not matter).
func freePage(t *testing.T, data []byte, id int) bool {
	t.Helper()
	path := t.TempDir() + "/f.db"
	os.WriteFile(path, data, 0o600)
	f, _ := os.Open(path)
	defer f.Close()
	in, m, release, err := readHeader(f, int64(len(data)), false)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := in.freelist(m.freelist); err != nil {
		t.Fatal(err)
	}
	return in.freed[uint64(id)]
}
