package export

import (
	"os"
	"syscall"
)

// startWriteback asks Linux to start writing n bytes of f from off to disk
// now, without waiting for it (sync_file_range's SYNC_FILE_RANGE_WRITE).
// The file is still flushed with Sync before it is renamed into place; by
// then most of it is on its way, so Sync waits for the rest instead of for
// the whole file. An error is ignored: it only means Sync does it all.
func startWriteback(f *os.File, off, n int64) {
	_ = syscall.SyncFileRange(int(f.Fd()), off, n, 0x2 /* SYNC_FILE_RANGE_WRITE */)
}
