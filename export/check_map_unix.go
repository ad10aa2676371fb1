//go:build unix

package export

import (
	"os"
	"syscall"
)

// mapFile maps the file at path read-only, private to this process: the
// bytes of a 12 MB export are then the page cache's, not 12 MB of fresh
// heap faulted in and copied into (os.ReadFile). An empty file, or one
// that cannot be mapped, is read instead. unmap ends the mapping; nothing
// read from data may be used after it.
func mapFile(path string) (data []byte, unmap func(), err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, nil, err
	}
	size := st.Size()
	if !st.Mode().IsRegular() || size <= 0 || int64(int(size)) != size {
		return readWhole(path)
	}
	// MAP_POPULATE maps every page in one call: the import reads them all.
	data, err = syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_PRIVATE|mapPopulate)
	if err != nil {
		return readWhole(path)
	}
	return data, func() { _ = syscall.Munmap(data) }, nil
}
