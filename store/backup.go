package store

import (
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	bolt "go.etcd.io/bbolt"
)

// Backup writes a consistent copy of the workbook to dest (into dest when
// it is a directory), while the workbook stays in use: the copy is taken in
// one read transaction. The copy is written to a temporary file beside dest
// and renamed into place, so dest is either the old file or the complete
// new one, created 0600.
func (s *Store) Backup(dest string) error {
	if dest == "" {
		return errors.New("no backup file given")
	}
	if st, err := os.Stat(dest); err == nil && st.IsDir() {
		dest = filepath.Join(dest, filepath.Base(s.path))
	}
	if abs, err := filepath.Abs(dest); err == nil {
		dest = abs
	}
	if same(dest, s.path) {
		return fmt.Errorf("cannot back up workbook %s onto itself; choose another file", s.path)
	}
	dir := filepath.Dir(dest)
	tmp, err := os.CreateTemp(dir, "."+filepath.Base(dest)+".tmp-*")
	if err != nil {
		return fmt.Errorf("cannot write backup %s: %w", dest, unwrapPath(err))
	}
	defer os.Remove(tmp.Name()) // after a successful rename this finds nothing
	w := &firstErrWriter{w: tmp}
	err = s.view(func(tx *bolt.Tx) error {
		_, err := tx.WriteTo(w)
		if w.err != nil {
			// bbolt words its own step around the write's error
			// ("meta 0 copy: write …tmp-…"); the write's reason is
			// what the user needs.
			return w.err
		}
		return err
	})
	if err == nil {
		err = tmp.Chmod(0o600)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), dest)
	}
	if err == nil {
		syncDir(dir)
	}
	if err != nil {
		if _, ok := errors.AsType[*CorruptError](err); ok {
			return err
		}
		return fmt.Errorf("cannot write backup %s: %w", dest, rootCause(err))
	}
	return nil
}

// firstErrWriter keeps the first error of the writes through it.
type firstErrWriter struct {
	w   io.Writer
	err error
}

func (f *firstErrWriter) Write(p []byte) (int, error) {
	n, err := f.w.Write(p)
	if err != nil && f.err == nil {
		f.err = err
	}
	return n, err
}

// same reports whether two paths name the same file.
func same(a, b string) bool {
	sa, err := os.Stat(a)
	if err != nil {
		return false
	}
	sb, err := os.Stat(b)
	return err == nil && os.SameFile(sa, sb)
}

// syncDir makes a rename durable. Failure only weakens durability, and some
// systems cannot sync a directory at all, so it is not reported.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		_ = d.Close()
	}
}
