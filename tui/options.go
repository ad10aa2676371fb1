package tui

import (
	"io"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// Workbook is the persistence the TUI needs. The store satisfies it; the
// TUI never imports the store so the screens can be tested against any
// implementation and the dependency rule (main → tui, store → model) holds.
type Workbook interface {
	// Path is the workbook file, shown on the welcome screen.
	Path() string
	List() ([]model.Summary, error)
	// Create writes a new model and sets m.ID.
	Create(m *model.Model) (string, error)
	Load(id string) (*model.Model, error)
	// Commit persists one edit of a model in one transaction.
	Commit(modelID string, e model.Edit) error
	Delete(modelID string) error
	// Position is where the user last was, across models.
	Position() (model.Position, error)
	SetPosition(p model.Position) error
	// ModelPosition is where the user last was in one model.
	ModelPosition(id string) (model.Position, error)
}

// Previewer is a workbook that can read a model for a first frame faster
// than Load: every record, but each threat cut down to what a row of the
// threats table and the completion figures show (store.Preview). The TUI
// type-asserts its Workbook to Previewer; resuming on the Threats step it
// draws the preview while Load reads the whole model, holding every key
// until then.
type Previewer interface {
	Preview(id string) (*model.Model, error)
}

// Live is a workbook shared with other sessions: the live host's own
// session, an SSH participant's, or a second threatdeck joined through the
// host's socket. The TUI type-asserts its Workbook to Live.
type Live interface {
	Workbook
	// Me is who this session is (name and role).
	Me() model.Participant
	// Events delivers, in the host's order, every committed edit (this
	// session's own echoed back), presence changes and notices. It is
	// closed, after an EventClosed, when the session ends or the host goes.
	Events() <-chan model.LiveEvent
	// Announce tells the others where this session is.
	Announce(p model.Presence) error
}

// Options configures a TUI session. Only Workbook is required; the funcs
// are injected so the tui package does not depend on export or store.
type Options struct {
	Workbook Workbook
	// Render produces the Markdown report (export.Markdown).
	Render func(*model.Model) []byte
	// WriteFile writes an export atomically (export.WriteFile).
	WriteFile func(path string, data []byte) error
	// Import reads a model from a file in any supported format.
	Import func(path string) (*model.Model, error)
	// Example builds the reference example model (model.Example) for the
	// welcome screen's "open the example"; nil hides that choice.
	Example func(now time.Time) *model.Model
	// Library is the threat library STRIDE suggestions come from; empty
	// means model.BuiltinLibrary.
	Library []model.Library
	// Accessible runs without the alternate screen, mouse, boxes or
	// spinners, and draws forms as one prompt per line, for screen readers.
	Accessible bool
	// Presenter starts in presenter mode (high contrast, roomier, less help).
	Presenter bool
	// Timebox is the default time budget per step for the session timer;
	// zero disables the amber/red warning.
	Timebox time.Duration
	// Clock returns the current time; nil means model.DefaultClock.
	Clock func() time.Time
	// Location is the time zone dates are shown in; nil means time.Local.
	Location *time.Location
	// ModelID opens this model directly instead of resuming the last one.
	ModelID string
	// Input and Output default to the terminal (stdin/stdout).
	Input  io.Reader
	Output io.Writer
	// NoColor forces colourless styles; NO_COLOR in the environment does too.
	NoColor bool
	// Hosting says this TUI hosts the live session (it opened the
	// workbook): quitting ends the session for everyone, so q asks first
	// while others are here.
	Hosting bool
	// User is who edits are attributed to when the workbook is not live
	// (the OS user), and the default decider of a decision; a live
	// session's name comes from Live.Me.
	User string
}

func (o Options) now() time.Time {
	if o.Clock != nil {
		return o.Clock()
	}
	return model.DefaultClock()
}

// local converts t to the display time zone.
func (o Options) local(t time.Time) time.Time {
	if o.Location != nil {
		return t.In(o.Location)
	}
	return t.Local()
}

// stamp formats a date and time for lists and details.
func (o Options) stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return o.local(t).Format("2006-01-02 15:04")
}
