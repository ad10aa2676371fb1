//go:build !(linux || darwin || freebsd || netbsd || openbsd || dragonfly)

package store

import (
	"errors"
	"os"
	"time"
)

// lockedBeforeCheck: the open check runs before any lock is taken.
const lockedBeforeCheck = false

// errLockBusy means another process holds the workbook's lock.
var errLockBusy = errors.New("lock held elsewhere")

// lockFile is a no-op where flock is unavailable: bbolt's own lock (taken
// with the same timeout when it opens the file) still keeps a second
// threatdeck out; the file is merely inspected before that lock.
func lockFile(*os.File, bool, time.Duration) error { return nil }
