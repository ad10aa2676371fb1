//go:build unix

package live

import (
	"io/fs"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// withUmask runs fn with the process umask set to mask. The umask is
// process-wide: a file another goroutine creates meanwhile only gets
// narrower permissions, never wider.
func withUmask(mask int, fn func()) {
	old := unix.Umask(mask)
	defer unix.Umask(old)
	fn()
}

func ownedByMe(st fs.FileInfo) bool {
	sys, ok := st.Sys().(*syscall.Stat_t)
	return ok && int(sys.Uid) == os.Getuid()
}
