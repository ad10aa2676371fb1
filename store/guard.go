package store

import (
	"fmt"
	"runtime/debug"
)

// guard runs fn so that bad file content becomes an error, never a crash.
// bbolt panics on some damaged pages (etcd-io/bbolt#447) and, reading a
// memory map, can fault on others; SetPanicOnFault turns such a fault into a
// panic in this goroutine so recover can catch it. inspect screens files
// before bbolt sees them; this is the second line.
func guard(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = &CorruptError{Path: path, Detail: fmt.Sprintf("reading it failed: %v", r), fault: true}
		}
	}()
	return fn()
}
