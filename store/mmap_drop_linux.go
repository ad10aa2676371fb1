package store

import (
	"syscall"

	bolt "go.etcd.io/bbolt"
)

// dropMapped tells Linux that the pages of the workbook's map that tx has
// read need not stay in this process: they stay in the page cache, and a
// later read maps them again. bbolt maps the file read-only and shared,
// and cannot move the map while tx is open, so this changes nothing a
// reader sees; it only keeps a large load's resident set to the model
// itself rather than the model plus the whole file (see decodeBucket).
func dropMapped(tx *bolt.Tx) {
	data, size := tx.DB().Info().Data, tx.Size()
	if data == 0 || size <= 0 {
		return
	}
	_, _, _ = syscall.Syscall(syscall.SYS_MADVISE, data, uintptr(size), syscall.MADV_DONTNEED)
}
