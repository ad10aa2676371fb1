package store

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// realWorkbook returns the bytes of a genuine workbook: two models, one big
// enough that its threat bucket spans branch and leaf pages.
func realWorkbook(t testing.TB, threats int) []byte {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "real.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(richModel(t, "Payments")); err != nil {
		t.Fatal(err)
	}
	big := mustNew(t, "Big", "")
	for i := range threats {
		must(t)(big.PutThreat(model.Threat{Title: fmt.Sprintf("Threat %d", i), Description: "A threat described at some length, to fill pages.", Category: model.Tampering, Likelihood: 3, Impact: 3}, t0))
	}
	id, err := s.Create(big)
	if err != nil {
		t.Fatal(err)
	}
	s.SetPosition(model.Position{ModelID: id, Step: "threats"})
	s.Close()
	return readFile(t, s.Path())
}

// tryOpen writes data to a file, opens it as a workbook and, if that
// works, reads every model. It fails the test if anything panics, or if the
// file changed although Open refused it.
func tryOpen(t testing.TB, data []byte) error {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		if !bytes.Equal(data, readFile(t, path)) {
			t.Fatalf("Open refused the file (%v) but changed it", err)
		}
		if !isNotWorkbook(err) && !isCorrupt(err) {
			if _, ok := errors.AsType[*NewerSchemaError](err); !ok {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
		}
		return err
	}
	defer s.Close()
	// The structure passed inspection; records may still be garbled, which
	// must surface as errors, never panics.
	if sums, err := s.List(); err == nil {
		for _, sum := range sums {
			s.Load(sum.ID)
			s.ModelPosition(sum.ID)
		}
	}
	s.Position()
	s.Find("Payments")
	return nil
}

func TestDamagedWorkbooks(t *testing.T) {
	real := realWorkbook(t, 400)
	page := int(binary.NativeEndian.Uint32(real[16+8:])) // the meta's page size
	if len(real) < 8*page {
		t.Fatalf("fixture too small: %d bytes", len(real))
	}
	zeroed := make([]byte, len(real))
	// bbolt grows files ahead of use: pages at or past the high-water mark
	// are slack, and cutting them off is harmless. Cut into used pages.
	used := int(binary.NativeEndian.Uint64(real[16+40:])) * page
	cases := map[string][]byte{
		"zeroed":          zeroed,
		"header only":     real[:page],
		"truncated 100":   real[:100],
		"truncated meta":  real[:page+page/2],
		"truncated 2pg":   real[:2*page],
		"truncated half":  real[:len(real)/2],
		"truncated -1":    real[:used-1],
		"truncated -page": real[:used-page],
	}
	// Both meta pages broken: checksums fail.
	bothMeta := bytes.Clone(real)
	bothMeta[16+40] ^= 0xFF
	bothMeta[page+16+40] ^= 0xFF
	cases["both metas"] = bothMeta
	// Random junk after a valid header.
	junk := bytes.Clone(real)
	r := rand.New(rand.NewPCG(1, 2))
	for i := 2 * page; i < len(junk); i++ {
		junk[i] = byte(r.Uint32())
	}
	cases["junk pages"] = junk

	for name, data := range cases {
		t.Run(name, func(t *testing.T) {
			if err := tryOpen(t, data); err == nil {
				t.Fatal("Open accepted a damaged file")
			}
		})
	}
	// One meta page broken: bbolt falls back to the other, and so do we.
	oneMeta := bytes.Clone(real)
	oneMeta[16+40] ^= 0xFF
	oneMeta[page+16+40] = real[page+16+40]
	if err := tryOpen(t, oneMeta); err != nil && !isCorrupt(err) {
		t.Fatalf("one bad meta page: %v", err)
	}
}

// TestPageReferenceDamage rewrites page references the way a flipped bit
// would, into the forms that crash or hang bbolt itself: a branch pointing
// at itself (endless recursion), past the file's end (a fault in the memory
// map), or at a free page.
func TestPageReferenceDamage(t *testing.T) {
	t.Run("whole file read", testPageReferenceDamage)
	t.Run("page by page", func(t *testing.T) {
		old := wholeReadLimit
		wholeReadLimit = 0
		t.Cleanup(func() { wholeReadLimit = old })
		testPageReferenceDamage(t)
	})
}

func testPageReferenceDamage(t *testing.T) {
	real := realWorkbook(t, 400)
	page := int(binary.NativeEndian.Uint32(real[16+8:]))
	// The widest branch page is the big model's threat bucket: damage there
	// is met only when that model is read, not by bbolt's open.
	branch, width := -1, 0
	for id := 2; id*page < len(real); id++ {
		p := real[id*page:]
		n := int(binary.NativeEndian.Uint16(p[10:]))
		if binary.NativeEndian.Uint64(p) == uint64(id) && binary.NativeEndian.Uint16(p[8:]) == flagBranch && n > width {
			branch, width = id, n
		}
	}
	if branch < 0 {
		t.Fatal("fixture has no branch page")
	}
	hwm := binary.NativeEndian.Uint64(real[16+40:])
	for name, target := range map[string]uint64{
		"self":      uint64(branch),
		"meta":      1,
		"past end":  hwm + 10,
		"far away":  1 << 40,
		"last page": hwm - 1,
	} {
		t.Run(name, func(t *testing.T) {
			data := bytes.Clone(real)
			// The first branch element's pgid is at header + pos + ksize (8 bytes in).
			binary.NativeEndian.PutUint64(data[branch*page+pageHeaderSize+8:], target)
			if err := tryOpen(t, data); err == nil {
				t.Fatal("Open accepted the damaged file")
			} else if !isCorrupt(err) {
				t.Fatalf("error %T: %v", err, err)
			}
		})
	}
}

// TestBitFlips flips single bits across the first pages of a real
// workbook: no panic, and a refused file is never modified.
func TestBitFlips(t *testing.T) {
	real := realWorkbook(t, 50)
	r := rand.New(rand.NewPCG(3, 4))
	// FuzzOpen explores further; this keeps the suite fast under -race.
	n := 120
	if testing.Short() {
		n = 30
	}
	refused := 0
	for range n {
		data := bytes.Clone(real)
		pos := r.IntN(min(len(data), 16<<10))
		data[pos] ^= 1 << r.IntN(8)
		if tryOpen(t, data) != nil {
			refused++
		}
	}
	if refused == 0 {
		t.Error("no flip was detected; the check is not looking")
	}
}

// FuzzOpen overwrites bytes of the first pages of a real workbook with
// fuzzer data.
func FuzzOpen(f *testing.F) {
	real := realWorkbook(f, 50)
	f.Add(uint16(0), []byte{0})
	f.Add(uint16(16), []byte{0xFF, 0xFF, 0xFF, 0xFF})
	f.Add(uint16(4096+56), []byte{1})
	f.Add(uint16(8192+10), []byte{0xFF, 0xFF})
	f.Add(uint16(12288+20), []byte{0, 0, 0, 0, 0, 0, 0, 0x7F})
	f.Fuzz(func(t *testing.T, at uint16, patch []byte) {
		data := bytes.Clone(real)
		if int(at) >= len(data) {
			return
		}
		copy(data[at:], patch)
		tryOpen(t, data)
	})
}
