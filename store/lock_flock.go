//go:build linux || darwin || freebsd || netbsd || openbsd || dragonfly

package store

import (
	"errors"
	"os"
	"syscall"
	"time"
)

// lockedBeforeCheck: lockFile takes the lock before the open check.
const lockedBeforeCheck = true

// errLockBusy means another process holds the workbook's lock.
var errLockBusy = errors.New("lock held elsewhere")

// lockFile takes the same flock bbolt takes (exclusive for a writer, shared
// for a reader), waiting at most timeout. It is taken on our own descriptor
// before the file is inspected, so no writer can change the file while it is
// checked; bbolt then locks the same descriptor again, which flock allows.
func lockFile(f *os.File, exclusive bool, timeout time.Duration) error {
	how := syscall.LOCK_SH
	if exclusive {
		how = syscall.LOCK_EX
	}
	deadline := time.Now().Add(timeout)
	for {
		err := syscall.Flock(int(f.Fd()), how|syscall.LOCK_NB)
		switch {
		case err == nil:
			return nil
		case errors.Is(err, syscall.EINTR):
			continue
		case !errors.Is(err, syscall.EWOULDBLOCK):
			return err
		case time.Now().After(deadline):
			return errLockBusy
		}
		time.Sleep(25 * time.Millisecond)
	}
}
