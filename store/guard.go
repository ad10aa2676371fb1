package store

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"
)

// guard runs fn so that bad file content becomes an error, never a crash.
// bbolt panics on some damaged pages (etcd-io/bbolt#447) and, reading a
// memory map, can fault on others; SetPanicOnFault turns such a fault into a
// panic in this goroutine so recover can catch it. inspect screens files
// before bbolt sees them; this is the second line.
//
// Not every panic is damage: one raised by threatdeck's own code is a bug,
// and calling it damage would send the user to their backups and stop all
// work on a healthy file. So the panic's origin decides: a memory fault, or
// a panic raised inside bbolt, is a *CorruptError; anything else an
// *InternalError naming what was being done. Either way bbolt has already
// rolled the transaction back (its Update and View roll back on a panic
// before it reaches here), so nothing half-done is committed.
func guard(path string, fn func() error) (err error) {
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	defer func() {
		if r := recover(); r != nil {
			err = panicError(path, r)
		}
	}()
	return fn()
}

// panicError classifies a recovered panic; it must be called from the
// deferred function that recovered it, while the panicking frames are
// still on the stack.
func panicError(path string, r any) error {
	pcs := make([]uintptr, 64)
	n := runtime.Callers(3, pcs)
	frames := runtime.CallersFrames(pcs[:n])
	var origin, doing string
	panicking := false
	for {
		f, more := frames.Next()
		if f.Function == "runtime.gopanic" {
			panicking = true
		} else if panicking {
			if origin == "" && !strings.HasPrefix(f.Function, "runtime.") {
				origin = f.Function
			}
			if doing == "" {
				doing = storeMethod(f.Function)
			}
		}
		if !more {
			break
		}
	}
	_, fault := r.(interface{ Addr() uintptr })
	if fault || strings.HasPrefix(origin, "go.etcd.io/bbolt") {
		return &CorruptError{Path: path, Detail: fmt.Sprintf("reading it failed: %v", r), fault: true}
	}
	if doing == "" {
		doing = "reading the workbook"
	}
	return &InternalError{Path: path, Doing: doing, Panic: fmt.Sprint(r)}
}

// storeMethod turns a Store method's function name into what it does, for
// an internal error's message; "" for other functions.
func storeMethod(fn string) string {
	const prefix = "github.com/threatdeck/threatdeck/store.(*Store)."
	name, ok := strings.CutPrefix(fn, prefix)
	name, _, _ = strings.Cut(name, ".") // a closure within the method
	if !ok || name == "" || name[0] < 'A' || name[0] > 'Z' {
		return ""
	}
	if d, ok := doings[name]; ok {
		return d
	}
	return "running " + name
}

// doings describes the Store's operations in messages.
var doings = map[string]string{
	"Create": "saving a new model", "Commit": "saving a change", "Delete": "deleting a model",
	"Load": "loading a model", "List": "listing the models", "Find": "finding a model", "ReadModel": "reading a model",
	"Position": "reading the last position", "SetPosition": "saving the position",
	"ModelPosition": "reading a model's position", "Backup": "writing a backup",
	"AddLibrary": "adding a team library", "RemoveLibrary": "removing a team library",
	"Libraries": "listing the team libraries", "ActiveLibraries": "reading the team libraries",
}
