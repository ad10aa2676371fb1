package live

import (
	"errors"
	"fmt"
	"io/fs"

	"github.com/threatdeck/threatdeck/store"
)

// ErrNoHost is matched (errors.Is) by Dial's error when no live host
// serves the workbook: the caller opens the workbook itself.
var ErrNoHost = errors.New("no live host serves this workbook")

// ErrClosed is matched by the error of a call on a session that has ended:
// the member left, or the host went away.
var ErrClosed = errors.New("the live session has ended")

// RefusedError reports a live host that answered but would not serve this
// threatdeck (another protocol version, another user).
type RefusedError struct {
	Path   string
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("the live host of workbook %s refused this threatdeck: %s", e.Path, e.Reason)
}

// goneError is the error of calls after the host went away.
type goneError struct {
	path  string
	cause string
}

func (e *goneError) Error() string {
	return fmt.Sprintf("the live host of workbook %s went away (%s); changes it acknowledged are saved, run threatdeck again to carry on", e.path, e.cause)
}

func (e *goneError) Is(target error) bool { return target == ErrClosed }

// wireError carries an error to the client with enough to rebuild the
// store's typed errors, so commands print and match the same errors with
// or without a host.
type wireError struct {
	Text    string   `json:"text"`
	Code    string   `json:"code,omitempty"`
	Ref     string   `json:"ref,omitempty"`
	IDs     []string `json:"ids,omitempty"`
	Version int      `json:"version,omitempty"`
	Path    string   `json:"path,omitempty"`
}

const (
	codeNotFound        = "not_found"
	codeAmbiguous       = "ambiguous"
	codeLibraryNotFound = "library_not_found"
	codeMissing         = "missing"
	codeRefused         = "refused"
	codeClosed          = "closed"
)

func toWireError(err error) *wireError {
	w := &wireError{Text: err.Error()}
	if e, ok := errors.AsType[*store.NotFoundError](err); ok && e.Error() == err.Error() {
		w.Code, w.Ref = codeNotFound, e.Ref
	} else if e, ok := errors.AsType[*store.AmbiguousError](err); ok && e.Error() == err.Error() {
		w.Code, w.Ref, w.IDs = codeAmbiguous, e.Ref, e.IDs
	} else if e, ok := errors.AsType[*store.LibraryNotFoundError](err); ok && e.Error() == err.Error() {
		w.Code, w.Ref, w.Version = codeLibraryNotFound, e.Name, e.Version
	} else if e, ok := errors.AsType[*store.MissingError](err); ok && e.Error() == err.Error() {
		w.Code, w.Path = codeMissing, e.Path
	} else if errors.Is(err, ErrClosed) {
		w.Code = codeClosed
	}
	return w
}

// textError is an error that arrived as text; Is keeps the sentinel the
// host's error matched.
type textError struct {
	text string
	is   error
}

func (e *textError) Error() string        { return e.text }
func (e *textError) Is(target error) bool { return e.is != nil && target == e.is }

func fromWireError(w *wireError) error {
	switch w.Code {
	case codeNotFound:
		return &store.NotFoundError{Ref: w.Ref}
	case codeAmbiguous:
		return &store.AmbiguousError{Ref: w.Ref, IDs: w.IDs}
	case codeLibraryNotFound:
		return &store.LibraryNotFoundError{Name: w.Ref, Version: w.Version}
	case codeMissing:
		return &textError{text: w.Text, is: fs.ErrNotExist}
	case codeClosed:
		return &textError{text: w.Text, is: ErrClosed}
	}
	return &textError{text: w.Text}
}
