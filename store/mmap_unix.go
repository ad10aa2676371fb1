//go:build unix

package store

import (
	"io"
	"os"
	"syscall"
)

// mapForCheck maps f read-only so the open-time check walks the file
// without copying it onto the heap: a 40 MB workbook would otherwise cost
// 40 MB of memory and the time to fault it in, before bbolt maps the same
// pages again. ok is false when r is not a file or the map fails; the
// caller then reads instead.
func mapForCheck(r io.ReaderAt, size int64) (data []byte, unmap func(), ok bool) {
	f, isFile := r.(*os.File)
	if !isFile || size <= 0 || int64(int(size)) != size {
		return nil, nil, false
	}
	data, err := syscall.Mmap(int(f.Fd()), 0, int(size), syscall.PROT_READ, syscall.MAP_SHARED|populate)
	if err != nil {
		return nil, nil, false
	}
	return data, func() { _ = syscall.Munmap(data) }, true
}
