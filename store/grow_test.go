package store

import (
	"os"
	"testing"

	bolt "go.etcd.io/bbolt"
)

// TestFileStaysNearItsPages: the map of a writable workbook has room to
// double (writeMapSize), but the file grows by growStep past what commits
// need, not to the map: a small workbook stays small, a large one within
// growStep of its pages.
func TestFileStaysNearItsPages(t *testing.T) {
	s := newStore(t)
	if _, err := s.Create(richModel(t, "Small")); err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(s.Path())
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() > 512<<10 {
		t.Fatalf("a workbook of one small model is %d bytes", st.Size())
	}
	var used int64
	if err := s.view(func(tx *bolt.Tx) error {
		used = int64(tx.Size())
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if st.Size() > used+growStep+int64(os.Getpagesize()) {
		t.Fatalf("file %d bytes for %d bytes of pages", st.Size(), used)
	}
}
