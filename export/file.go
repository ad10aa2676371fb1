package export

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
)

// WriteFile writes data to path atomically: into a temporary file in the
// same directory (created 0600), flushed to disk, then renamed over path,
// so a reader sees the old file or the new one, never half of either, and
// a crash leaves no partial report. The temporary file is removed on every
// failure. An existing file at path is replaced by a 0600 one; the
// directory must exist.
func WriteFile(path string, data []byte) error {
	return WriteFileFrom(path, writeBytes(data))
}

// WriteFileFrom is WriteFile for a document written by write as it is
// made (WriteJSON), so it is never whole in memory. An error from write
// leaves path as it was and is returned as it is; a failure to write the
// temporary file is reported as WriteFile reports it.
func WriteFileFrom(path string, write func(io.Writer) error) error {
	if path == "" {
		return errors.New("cannot write: no file name given")
	}
	// A link is followed: the report replaces the file it points to, and
	// the link stays a link (renaming over it would swap the link itself
	// for a file).
	if fi, err := os.Lstat(path); err == nil && fi.Mode()&fs.ModeSymlink != 0 {
		target, err := filepath.EvalSymlinks(path)
		if err != nil {
			return fmt.Errorf("cannot write %s: it is a link to a file that cannot be reached: %v", path, reason(err))
		}
		path = target
	}
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return fmt.Errorf("cannot write %s: it is a directory", path)
	} else if err == nil && !fi.Mode().IsRegular() {
		return fmt.Errorf("cannot write %s: it is not a regular file (to print, use - or leave -o out)", path)
	}
	dir := filepath.Dir(path)
	if fi, err := os.Stat(dir); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("cannot write %s: directory %s does not exist", path, dir)
		}
		return fmt.Errorf("cannot write %s: %v", path, reason(err))
	} else if !fi.IsDir() {
		return fmt.Errorf("cannot write %s: %s is not a directory", path, dir)
	}
	return writeAtomicFrom(path, write)
}

// writeAtomic is WriteFile's temp-file, sync and rename, removing the
// temporary file on any failure.
func writeAtomic(path string, data []byte) error {
	return writeAtomicFrom(path, writeBytes(data))
}

// writeBytes writes data, for WriteFileFrom.
func writeBytes(data []byte) func(io.Writer) error {
	return func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	}
}

// writeAtomicFrom is writeAtomic for a document written by write.
func writeAtomicFrom(path string, write func(io.Writer) error) (err error) {
	dir := filepath.Dir(path)
	// os.CreateTemp creates the file 0600 and with a name no one else uses.
	f, err := os.CreateTemp(dir, "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		// Say what failed: the file itself may well exist (/proc/…).
		return fmt.Errorf("cannot write %s: cannot create a temporary file beside it in %s: %v", path, dir, reason(err))
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()
	fw := &fileWriter{f: f}
	if err = write(fw); fw.err != nil {
		err = fmt.Errorf("cannot write %s: %v", path, reason(fw.err))
	}
	if err != nil {
		return err
	}
	if err = f.Sync(); err != nil {
		return fmt.Errorf("cannot write %s: flushing to disk: %v", path, reason(err))
	}
	if err = f.Close(); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, reason(err))
	}
	if err = os.Rename(tmp, path); err != nil {
		return fmt.Errorf("cannot write %s: %v", path, reason(err))
	}
	// Make the rename itself durable; a failure here does not undo the
	// write, so it is not reported.
	if d, derr := os.Open(dir); derr == nil {
		d.Sync()
		d.Close()
	}
	return nil
}

// reason is the underlying error of a path operation ("permission denied"),
// as the caller already names the path.
func reason(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	var le *os.LinkError
	if errors.As(err, &le) {
		return le.Err
	}
	return err
}

// fileWriter keeps the first error writing the temporary file, so that
// writeAtomic tells it apart from a problem of the document being written.
// Every writebackEvery bytes it starts the disk writing what it has been
// given (startWriteback), so that the Sync before the rename does not wait
// for the whole file: a 13 MB export spent 5-8 ms in Sync.
type fileWriter struct {
	f   *os.File
	err error
	// n is what was written; started what writeback was started for.
	n, started int64
}

// writebackEvery is how much is written between two starts of writeback.
const writebackEvery = 1 << 20

func (w *fileWriter) Write(p []byte) (int, error) {
	if w.err != nil {
		return 0, w.err
	}
	n, err := w.f.Write(p)
	w.err = err
	if w.n += int64(n); w.n-w.started >= writebackEvery {
		startWriteback(w.f, w.started, w.n-w.started)
		w.started = w.n
	}
	return n, err
}
