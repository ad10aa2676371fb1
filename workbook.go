package main

import (
	"errors"
	"os"
	"os/user"
	"time"

	"github.com/threatdeck/threatdeck/live"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// workbook is what the commands need of a workbook: the store itself when
// no threatdeck hosts it, or the live host's client when one does. Both
// give the same answers and the same errors, so a command prints the same
// bytes either way.
type workbook interface {
	Path() string
	List() ([]model.Summary, error)
	Find(ref string) (*model.Model, error)
	Create(m *model.Model) (string, error)
	Backup(dest string) error
	Libraries() ([]store.LibraryInfo, error)
	ActiveLibraries() ([]model.Library, error)
	AddLibrary(l model.Library, now time.Time) (int, error)
	RemoveLibrary(name string, version int) (int, error)
	History(modelID string, limit int) ([]model.HistoryEntry, error)
	Close() error
}

var (
	_ workbook = (*store.Store)(nil)
	_ workbook = (*live.Client)(nil)
)

// dialHost reaches the live host of the workbook at path. found is false
// when none listens; a host that answers but refuses is an error.
func dialHost(path string, opts live.DialOptions) (c *live.Client, found bool, err error) {
	c, err = live.Dial(path, opts)
	if errors.Is(err, live.ErrNoHost) {
		return nil, false, nil
	}
	return c, true, err
}

// openWorkbook works through the workbook's live host when one runs, else
// opens the store itself. A host may be starting at the very moment (it
// holds the lock before it listens), so a locked workbook is asked once
// more for its host.
func openWorkbook(path string, readOnly bool) (workbook, error) {
	if c, found, err := dialHost(path, live.DialOptions{}); found {
		return c, err
	}
	s, err := store.Open(path, store.Options{ReadOnly: readOnly, User: userName()})
	if _, locked := errors.AsType[*store.LockedError](err); locked {
		if c, found, derr := dialHost(path, live.DialOptions{}); found {
			return c, derr
		}
	}
	if err != nil {
		return nil, err
	}
	return s, nil
}

// userName is the participant name by default: the OS user.
func userName() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return model.CleanLine(u.Username)
	}
	if n := model.CleanLine(os.Getenv("USER")); n != "" {
		return n
	}
	return "me"
}
