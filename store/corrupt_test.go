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

// tryOpen puts a variant of a real workbook through checkVariant: no
// panic, no hang, no write to a refused or damaged file, no silent change.
// It returns nil when the variant opened with the original's content, and
// an error saying it was refused or reported damaged otherwise.
func tryOpen(t testing.TB, data []byte, want contents) error {
	t.Helper()
	switch checkVariant(t, "", data, want, nil) {
	case outRefused:
		return errors.New("refused")
	case outDamaged:
		return errors.New("reported damaged")
	}
	return nil
}

// wantOf reads the content of a healthy workbook's bytes.
func wantOf(t testing.TB, data []byte) contents {
	t.Helper()
	path := filepath.Join(t.TempDir(), "orig.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return readContents(t, path)
}

func TestDamagedWorkbooks(t *testing.T) {
	real := realWorkbook(t, 400)
	want := wantOf(t, real)
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
			if err := tryOpen(t, data, want); err == nil {
				t.Fatal("Open accepted a damaged file")
			}
		})
	}
	// One meta page broken: bbolt falls back to the other, and so do we.
	oneMeta := bytes.Clone(real)
	oneMeta[16+40] ^= 0xFF
	oneMeta[page+16+40] = real[page+16+40]
	// That is damage too: the last change may be what was lost.
	if err := tryOpen(t, oneMeta, want); err == nil {
		t.Fatal("a damaged header page went unreported")
	}
}

// TestPageReferenceDamage rewrites page references the way a flipped bit
// would, into the forms that crash or hang bbolt itself: a branch pointing
// at itself (endless recursion), past the file's end (a fault in the memory
// map), or at a free page.
func TestPageReferenceDamage(t *testing.T) {
	t.Run("whole file read", testPageReferenceDamage)
	t.Run("page by page", func(t *testing.T) {
		old, oldMap := wholeReadLimit, mapCheckLimit
		wholeReadLimit, mapCheckLimit = 0, 0
		t.Cleanup(func() { wholeReadLimit, mapCheckLimit = old, oldMap })
		testPageReferenceDamage(t)
	})
}

func testPageReferenceDamage(t *testing.T) {
	real := realWorkbook(t, 400)
	want := wantOf(t, real)
	branch, _, page := widestBranch(real)
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
			if err := tryOpen(t, data, want); err == nil {
				t.Fatal("Open accepted the damaged file")
			}
		})
	}
}

// TestBitFlips flips single bits across the first pages of a real
// workbook: no panic, and a refused file is never modified.
func TestBitFlips(t *testing.T) {
	real := realWorkbook(t, 50)
	want := wantOf(t, real)
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
		if tryOpen(t, data, want) != nil {
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
	want := wantOf(f, real)
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
		tryOpen(t, data, want)
	})
}
