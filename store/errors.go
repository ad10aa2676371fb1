package store

import (
	"errors"
	"fmt"
	"strings"
)

// ErrNotFound is matched (errors.Is) by the error returned when a model id or
// title names no model in the workbook.
var ErrNotFound = errors.New("model not found")

// ErrReadOnly is returned by writes on a workbook opened read-only.
var ErrReadOnly = errors.New("the workbook was opened read-only")

// LockedError reports a workbook held by another threatdeck. bbolt allows one
// writer process per file, so a second one must stop rather than wait.
type LockedError struct {
	Path string
}

func (e *LockedError) Error() string {
	return fmt.Sprintf("workbook %s is in use by another threatdeck; close that one first, or choose another workbook", e.Path)
}

// NotWorkbookError reports a file that is not a threatdeck workbook. The
// file is left exactly as it was.
type NotWorkbookError struct {
	Path   string
	Reason string
}

func (e *NotWorkbookError) Error() string {
	return fmt.Sprintf("%s is not a threatdeck workbook (%s); it was left untouched, choose another file", e.Path, e.Reason)
}

// CorruptError reports a workbook whose structure or records are damaged.
// Nothing is written to a damaged workbook.
type CorruptError struct {
	Path   string
	Detail string
	// fault is set when reading panicked or faulted rather than returning
	// an error: the Store stops using the file after that.
	fault bool
}

func (e *CorruptError) Error() string {
	return fmt.Sprintf("workbook %s is damaged (%s); it was left untouched, restore it from a backup or copy what can be saved with threatdeck salvage DEST", e.Path, e.Detail)
}

// NewerSchemaError reports a workbook written by a newer threatdeck, whose
// layout this build cannot safely read or write.
type NewerSchemaError struct {
	Path string
	// Found is the file's schema version; Supported the newest this build knows.
	Found, Supported int
}

func (e *NewerSchemaError) Error() string {
	return fmt.Sprintf("workbook %s has schema version %d but this threatdeck only understands up to version %d; upgrade threatdeck to open it (the file was left untouched)", e.Path, e.Found, e.Supported)
}

// NotFoundError reports a model reference (id or title) that matches nothing.
type NotFoundError struct {
	Ref string
}

func (e *NotFoundError) Error() string {
	return fmt.Sprintf("no model with id or title %q in this workbook", e.Ref)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *NotFoundError) Is(target error) bool { return target == ErrNotFound }

// LibraryNotFoundError reports a team library name, or a version of it,
// that the workbook does not hold.
type LibraryNotFoundError struct {
	Name string
	// Version is the version asked for; 0 when the name itself is missing.
	Version int
}

func (e *LibraryNotFoundError) Error() string {
	if e.Version == 0 {
		return fmt.Sprintf("no team library named %q in this workbook", e.Name)
	}
	return fmt.Sprintf("team library %q has no version %d", e.Name, e.Version)
}

// Is makes errors.Is(err, ErrNotFound) true.
func (e *LibraryNotFoundError) Is(target error) bool { return target == ErrNotFound }

// AmbiguousError reports a title shared by several models; the id picks one.
type AmbiguousError struct {
	Ref string
	IDs []string
}

func (e *AmbiguousError) Error() string {
	return fmt.Sprintf("%d models are titled %q (ids %s); name one by its id", len(e.IDs), e.Ref, strings.Join(e.IDs, ", "))
}

// InternalError reports a bug in threatdeck met while using a workbook: a
// panic in threatdeck's own code inside a transaction. The transaction was
// rolled back, so the workbook is as it was, and it stays usable.
type InternalError struct {
	Path string
	// Doing says what threatdeck was doing ("saving a change").
	Doing string
	// Panic is the panic's value, as text.
	Panic string
}

func (e *InternalError) Error() string {
	return fmt.Sprintf("threatdeck hit an internal error while %s (%s); workbook %s was not changed and can still be used, please report this bug", e.Doing, shorten(e.Panic), e.Path)
}
