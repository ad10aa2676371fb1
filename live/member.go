package live

import (
	"errors"

	"github.com/threatdeck/threatdeck/model"
)

// Member is one session of the live session inside the host's process:
// the host's own TUI, or an SSH participant's. It implements tui.Live.
// Positions of the facilitator are saved in the workbook; everyone else's
// are kept for the length of their session, so a participant moving about
// does not move the facilitator's resume point.
type Member struct {
	h          *Host
	me         model.Participant
	registered bool
	events     chan model.LiveEvent

	// Guarded by h.mu.
	presence model.Presence
	pos      *model.Position
	modelPos map[string]model.Position
	left     bool
}

// Path is the workbook's path.
func (m *Member) Path() string { return m.h.Path() }

// Me is who this member is.
func (m *Member) Me() model.Participant { return m.me }

// Events delivers every committed edit (this member's own included), the
// model list changing, presence and notices, in the host's order. After an
// EventClosed it is closed. A member that falls Options.Buffer events
// behind loses its backlog and gets EventModels plus an EventEdit with
// Reload (ModelID the model it last announced) and a fresh EventPresence.
func (m *Member) Events() <-chan model.LiveEvent { return m.events }

// Leave ends this member's session; the others are told. Calling it twice
// is harmless.
func (m *Member) Leave() { m.h.leave(m, "You left the live session.") }

// Announce tells everyone where this member is. The participant in p is
// replaced by the member's own, so no one can speak for someone else.
func (m *Member) Announce(p model.Presence) error {
	h := m.h
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := m.usable(); err != nil {
		return err
	}
	p.Participant = m.me
	p.Step, p.Item, p.ModelID = model.CleanLine(p.Step), model.CleanLine(p.Item), model.CleanLine(p.ModelID)
	if p.Since.IsZero() {
		p.Since = m.presence.Since
		if p.ModelID != m.presence.ModelID || p.Step != m.presence.Step {
			p.Since = h.opts.Clock()
		}
	}
	m.presence = p
	h.broadcastPresence()
	return nil
}

// List describes every model.
func (m *Member) List() ([]model.Summary, error) {
	if err := m.usableLocked(); err != nil {
		return nil, err
	}
	return m.h.List()
}

// Load returns a copy of model id the caller may change.
func (m *Member) Load(id string) (*model.Model, error) {
	if err := m.usableLocked(); err != nil {
		return nil, err
	}
	return m.h.Load(id)
}

// Preview reads a model for a first frame, as store.Preview does.
func (m *Member) Preview(id string) (*model.Model, error) {
	if err := m.usableLocked(); err != nil {
		return nil, err
	}
	return m.h.Preview(id)
}

// Find loads a model by id or title, as store.Find does.
func (m *Member) Find(ref string) (*model.Model, error) {
	if err := m.usableLocked(); err != nil {
		return nil, err
	}
	return m.h.Find(ref)
}

// Create stores a new model and sets m.ID; everyone gets EventModels.
func (m *Member) Create(mod *model.Model) (string, error) {
	if err := m.usableLocked(); err != nil {
		return "", err
	}
	id, err := m.h.create(m, mod)
	if err == nil {
		mod.ID = id
	}
	return id, err
}

// Commit has the host apply one edit; it returns once the edit is in the
// workbook. Its echo (maybe renumbered, then with Reload) is in Events.
func (m *Member) Commit(modelID string, e model.Edit) error {
	_, err := m.h.commit(m, modelID, e)
	return err
}

// Delete removes a model (the facilitator only, in a live session).
func (m *Member) Delete(modelID string) error {
	if err := m.usableLocked(); err != nil {
		return err
	}
	return m.h.remove(m, modelID)
}

// Position is where this member last was.
func (m *Member) Position() (model.Position, error) {
	h := m.h
	h.mu.Lock()
	if err := m.usable(); err != nil {
		h.mu.Unlock()
		return model.Position{}, err
	}
	if !m.persists() && m.pos != nil {
		p := *m.pos
		h.mu.Unlock()
		return p, nil
	}
	h.mu.Unlock()
	return h.st.Position()
}

// SetPosition records where this member is.
func (m *Member) SetPosition(p model.Position) error {
	h := m.h
	h.mu.Lock()
	if err := m.usable(); err != nil {
		h.mu.Unlock()
		return err
	}
	if !m.persists() {
		m.pos = &p
		if p.ModelID != "" {
			if m.modelPos == nil {
				m.modelPos = map[string]model.Position{}
			}
			m.modelPos[p.ModelID] = p
		}
		h.mu.Unlock()
		return nil
	}
	h.mu.Unlock()
	return h.st.SetPosition(p)
}

// ModelPosition is where this member last was in one model.
func (m *Member) ModelPosition(id string) (model.Position, error) {
	h := m.h
	h.mu.Lock()
	if err := m.usable(); err != nil {
		h.mu.Unlock()
		return model.Position{}, err
	}
	if p, ok := m.modelPos[id]; ok && !m.persists() {
		h.mu.Unlock()
		return p, nil
	}
	h.mu.Unlock()
	return h.st.ModelPosition(id)
}

// persists reports whether this member's positions go to the workbook.
func (m *Member) persists() bool { return m.me.Role == model.RoleFacilitator || !m.registered }

// usable is checked with h.mu held.
func (m *Member) usable() error {
	if m.left || m.h.closed {
		return ErrClosed
	}
	return nil
}

func (m *Member) usableLocked() error {
	m.h.mu.Lock()
	defer m.h.mu.Unlock()
	return m.usable()
}

// send delivers ev without ever blocking the host (h.mu held). A member
// whose buffer is full loses its backlog and is told to reload instead.
func (m *Member) send(ev model.LiveEvent) {
	if m.left || !m.registered {
		return
	}
	select {
	case m.events <- ev:
		return
	default:
	}
	m.drain()
	h := m.h
	m.events <- model.LiveEvent{Kind: model.EventModels}
	m.events <- model.LiveEvent{Kind: model.EventEdit, ModelID: m.presence.ModelID, Seq: h.seq, Reload: true}
	m.events <- model.LiveEvent{Kind: model.EventPresence, Presence: h.presenceList()}
}

func (m *Member) drain() {
	for {
		select {
		case <-m.events:
		default:
			return
		}
	}
}

// end sends the last event and closes Events (h.mu held).
func (m *Member) end(why string) {
	if m.left {
		return
	}
	m.left = true
	if !m.registered {
		return
	}
	select {
	case m.events <- model.LiveEvent{Kind: model.EventClosed, Text: why}:
	default:
		m.drain()
		m.events <- model.LiveEvent{Kind: model.EventClosed, Text: why}
	}
	close(m.events)
}

// errObserver is the refusal of an observer's edit.
var errObserver = errors.New("observers may only add to the parking lot; this change was not saved")

// ActiveLibraries returns the workbook's active team libraries, for the
// suggestions.
func (m *Member) ActiveLibraries() ([]model.Library, error) {
	if err := m.usableLocked(); err != nil {
		return nil, err
	}
	return m.h.ActiveLibraries()
}
