package store

import (
	"io"
	"os"

	"github.com/threatdeck/threatdeck/internal/mapfile"
)

// mapForCheck maps f read-only so the open-time check walks the file
// without copying it onto the heap: a 40 MB workbook would otherwise cost
// 40 MB of memory and the time to fault it in, before bbolt maps the same
// pages again. ok is false when r is not a file or it cannot be mapped;
// the caller then reads instead.
func mapForCheck(r io.ReaderAt, size int64) (data []byte, unmap func(), ok bool) {
	f, isFile := r.(*os.File)
	if !isFile {
		return nil, nil, false
	}
	return mapfile.Map(f, size)
}
