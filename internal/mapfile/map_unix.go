//go:build unix

package mapfile

import (
	"os"
	"syscall"
)

// Map maps the first size bytes of f read-only. ok is false when size
// does not fit an int or is not positive, or the map fails; the caller
// then reads the file. unmap ends the mapping: nothing read from data may
// be used after it, and a read past the end of a file cut short under the
// map faults (see debug.SetPanicOnFault).
func Map(f *os.File, size int64) (data []byte, unmap func(), ok bool) {
	if size <= 0 || int64(int(size)) != size {
		return nil, nil, false
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED|populate)
	if err != nil {
		return nil, nil, false
	}
	return data, func() { _ = syscall.Munmap(data) }, true
}
