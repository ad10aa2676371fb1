package live

import (
	"errors"
	"fmt"
	"net"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// Options configure a Host.
type Options struct {
	// Name is who runs the host (the OS user by default in the CLI): it
	// stamps changes made through the socket by commands that do not join
	// the session, such as `threatdeck new`.
	Name string
	// Log receives one line for the operator about refused or dropped
	// connections; nil discards them. Nothing sensitive is logged.
	Log func(line string)
	// Clock stamps committed edits (Edit.At); nil means model.DefaultClock.
	Clock func() time.Time
	// Buffer is how many events a member may fall behind before its
	// backlog is dropped and it is told to reload (default 1024).
	Buffer int
}

// defaultBuffer holds a burst of edits and presence changes from a full
// room without letting one stuck member pin memory.
const defaultBuffer = 1024

// Host owns a workbook for a live session: it alone holds the store and
// applies every edit, one transaction each, in one order, broadcasting
// each to every member. Its methods are safe for concurrent use.
type Host struct {
	st   *store.Store
	opts Options
	sock string
	ln   *net.UnixListener
	// allowUID decides whether a socket peer's user may connect; the
	// owner only, replaced in tests.
	allowUID func(uid int) bool
	// maxMessage bounds a request frame (MaxMessageBytes; less in tests).
	maxMessage int

	// mu serializes edits and everything below, so the order edits are
	// committed in is the order every member receives them in.
	mu       sync.Mutex
	members  []*Member
	seq      uint64
	sessions uint64
	// cache holds the host's own copy of each model loaded or edited,
	// kept equal to the store by applying every committed edit, so an
	// edit is checked against the latest model without decoding it again.
	// Sessions share it (cloneModel), so holding it costs no copy more.
	cache map[string]*model.Model
	// shared names models whose cached copy a session shares lists with
	// (cloneModel): their edits carry the host's lists (commit).
	shared map[string]bool
	// sums is the model list (nil until first asked for); dirty names
	// models edited since, summarized again on the next List.
	sums   []model.Summary
	dirty  map[string]bool
	closed bool
	conns  map[net.Conn]struct{}

	wg sync.WaitGroup
}

// Open opens the workbook at path for writing and hosts it: it listens on
// the workbook's socket (see SocketPath) for other threatdecks. A socket
// left by a killed host is replaced, since holding the workbook's lock
// proves no host is alive. A workbook another threatdeck holds gives the
// store's *store.LockedError.
func Open(path string, opts Options) (*Host, error) {
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return nil, err
	}
	if opts.Buffer < 4 {
		opts.Buffer = defaultBuffer
	}
	if opts.Clock == nil {
		opts.Clock = model.DefaultClock
	}
	if opts.Name = cleanName(opts.Name); opts.Name == "" {
		opts.Name = "host"
	}
	uid := os.Getuid()
	h := &Host{st: st, opts: opts, cache: map[string]*model.Model{}, shared: map[string]bool{}, dirty: map[string]bool{},
		conns: map[net.Conn]struct{}{}, allowUID: func(peer int) bool { return peer == uid }, maxMessage: MaxMessageBytes}
	sock, err := SocketPath(st.Path())
	if err == nil {
		h.ln, err = listen(sock)
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("cannot host workbook %s for other threatdecks: %w", st.Path(), err)
	}
	h.sock = sock
	h.wg.Add(1)
	go h.accept()
	return h, nil
}

// Path is the workbook's absolute path.
func (h *Host) Path() string { return h.st.Path() }

// Socket is the path of the Unix socket the host listens on.
func (h *Host) Socket() string { return h.sock }

// Close ends the session: every member gets an EventClosed, the socket is
// removed, and the workbook is closed. Calling it twice is harmless.
func (h *Host) Close() error {
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil
	}
	h.closed = true
	for _, m := range h.members {
		m.end("The host ended the live session; everything committed is saved.")
	}
	h.members = nil
	conns := make([]net.Conn, 0, len(h.conns))
	for c := range h.conns {
		conns = append(conns, c)
	}
	h.mu.Unlock()
	h.ln.Close() // removes the socket file
	_ = os.Remove(h.sock)
	// Members were told (their connections write the EventClosed before
	// closing); stop reading requests.
	for _, c := range conns {
		_ = c.SetReadDeadline(time.Now())
	}
	h.wg.Wait()
	return h.st.Close()
}

func (h *Host) logf(format string, args ...any) {
	if h.opts.Log != nil {
		h.opts.Log(fmt.Sprintf(format, args...))
	}
}

// Join adds a member to the session: the host's own TUI (as facilitator)
// or an SSH participant. Its name is cleaned of control characters, its
// role defaults to participant, and its Session is assigned by the host.
// Everyone is told who joined.
func (h *Host) Join(p model.Participant) (*Member, error) {
	p.Name = cleanName(p.Name)
	if p.Name == "" {
		p.Name = "guest"
	}
	switch p.Role {
	case "":
		p.Role = model.RoleParticipant
	case model.RoleFacilitator, model.RoleParticipant, model.RoleObserver:
	default:
		return nil, fmt.Errorf("unknown live-session role %q; use facilitator, participant or observer", p.Role)
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.closed {
		return nil, ErrClosed
	}
	h.sessions++
	p.Session = fmt.Sprint(h.sessions)
	m := &Member{h: h, me: p, registered: true, events: make(chan model.LiveEvent, h.opts.Buffer),
		presence: model.Presence{Participant: p, Since: h.opts.Clock()}}
	h.members = append(h.members, m)
	h.notice(m, p.Name+" joined")
	h.broadcastPresence()
	return m, nil
}

// guest is the member a connection that does not join acts as: a CLI
// command of the owner, which asks questions and creates models but gets
// no events.
func (h *Host) guest() *Member {
	return &Member{h: h, me: model.Participant{Name: h.opts.Name, Role: model.RoleParticipant, Session: "cli"}}
}

// leave removes m from the session and tells the others.
func (h *Host) leave(m *Member, why string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if m.left || !m.registered {
		m.left = true
		return
	}
	m.end(why)
	h.members = slices.DeleteFunc(h.members, func(o *Member) bool { return o == m })
	if !h.closed {
		h.notice(nil, m.me.Name+" left")
		h.broadcastPresence()
	}
}

// notice sends a status line to every member but skip.
func (h *Host) notice(skip *Member, text string) {
	for _, m := range h.members {
		if m != skip {
			m.send(model.LiveEvent{Kind: model.EventNotice, Text: text})
		}
	}
}

func (h *Host) presenceList() []model.Presence {
	out := make([]model.Presence, 0, len(h.members))
	for _, m := range h.members {
		out = append(out, m.presence)
	}
	return out
}

func (h *Host) broadcastPresence() {
	for _, m := range h.members {
		m.send(model.LiveEvent{Kind: model.EventPresence, Presence: h.presenceList()})
	}
}

func (h *Host) broadcastModels(id string) {
	for _, m := range h.members {
		m.send(model.LiveEvent{Kind: model.EventModels, ModelID: id})
	}
}

// cached returns the host's copy of model id, loading it on first use.
// Called with h.mu held.
func (h *Host) cached(id string) (*model.Model, error) {
	if m, ok := h.cache[id]; ok {
		return m, nil
	}
	m, err := h.st.Load(id)
	if err != nil {
		return nil, err
	}
	h.cache[id] = m
	return m, nil
}

func (h *Host) check() error {
	if h.closed {
		return ErrClosed
	}
	return nil
}

// List describes every model, in id order, as store.List does.
func (h *Host) List() ([]model.Summary, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.check(); err != nil {
		return nil, err
	}
	if h.sums == nil {
		sums, err := h.st.List()
		if err != nil {
			return nil, err
		}
		h.sums = nonNil(sums)
		clear(h.dirty)
	}
	for id := range h.dirty {
		if i := slices.IndexFunc(h.sums, func(s model.Summary) bool { return s.ID == id }); i >= 0 {
			if m, ok := h.cache[id]; ok {
				h.sums[i] = m.Summarize()
			}
		}
	}
	clear(h.dirty)
	if len(h.sums) == 0 {
		return nil, nil
	}
	return slices.Clone(h.sums), nil
}

// Find loads the model whose id or title is ref, with store.Find's
// semantics and errors. The caller may change the copy it gets.
func (h *Host) Find(ref string) (*model.Model, error) {
	ref = strings.TrimSpace(ref)
	h.mu.Lock()
	if err := h.check(); err != nil {
		h.mu.Unlock()
		return nil, err
	}
	if m, ok := h.cache[ref]; ok {
		h.shared[ref] = true
		c := cloneModel(m)
		h.mu.Unlock()
		return c, nil
	}
	h.mu.Unlock()
	// The store answers titles and models not loaded yet; every commit
	// reaches it before its event, so it is never behind the cache.
	return h.st.Find(ref)
}

// Preview reads model id for a first frame (store.Preview): threats cut
// down to their table rows, never to be edited. Every commit reaches the
// store before its event, so the store's copy is the current one.
func (h *Host) Preview(id string) (*model.Model, error) {
	h.mu.Lock()
	err := h.check()
	h.mu.Unlock()
	if err != nil {
		return nil, err
	}
	return h.st.Preview(id)
}

// Load returns a copy of model id that the caller may change.
func (h *Host) Load(id string) (*model.Model, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.check(); err != nil {
		return nil, err
	}
	m, err := h.cached(id)
	if err != nil {
		return nil, err
	}
	h.shared[id] = true
	return cloneModel(m), nil
}

// create stores a new model for member by and tells everyone.
func (h *Host) create(by *Member, m *model.Model) (string, error) {
	if !by.me.Role.CanEdit() {
		return "", errors.New("observers cannot create models; ask the facilitator")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.check(); err != nil {
		return "", err
	}
	id, err := h.st.Create(m)
	if err != nil {
		return "", err
	}
	h.sums = nil
	h.broadcastModels(id)
	h.notice(by, fmt.Sprintf("%s added model %s: %s", by.me.Name, id, model.CleanLine(m.Overview.Title)))
	return id, nil
}

// remove deletes model id for member by and tells everyone.
func (h *Host) remove(by *Member, id string) error {
	if by.me.Role != model.RoleFacilitator && by.registered {
		return errors.New("only the facilitator can delete a model during a live session")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.check(); err != nil {
		return err
	}
	if err := h.st.Delete(id); err != nil {
		return err
	}
	delete(h.cache, id)
	delete(h.shared, id)
	h.sums = nil
	h.broadcastModels(id)
	return nil
}

// Backup writes a consistent copy of the workbook to dest (see
// store.Backup), taken by the host while the session goes on.
func (h *Host) Backup(dest string) error {
	if err := h.checkLocked(); err != nil {
		return err
	}
	return h.st.Backup(dest)
}

// Libraries lists the workbook's team libraries (see store.Libraries).
func (h *Host) Libraries() ([]store.LibraryInfo, error) {
	if err := h.checkLocked(); err != nil {
		return nil, err
	}
	return h.st.Libraries()
}

// ActiveLibraries returns the active team libraries (see
// store.ActiveLibraries).
func (h *Host) ActiveLibraries() ([]model.Library, error) {
	if err := h.checkLocked(); err != nil {
		return nil, err
	}
	return h.st.ActiveLibraries()
}

func (h *Host) checkLocked() error {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.check()
}

func (h *Host) addLibrary(by *Member, l model.Library, now time.Time) (int, error) {
	if !by.me.Role.CanEdit() {
		return 0, errors.New("observers cannot add team libraries")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.check(); err != nil {
		return 0, err
	}
	v, err := h.st.AddLibrary(l, now)
	if err == nil {
		h.notice(by, fmt.Sprintf("%s added version %d of team library %q", by.me.Name, v, model.CleanLine(strings.TrimSpace(l.Name))))
	}
	return v, err
}

func (h *Host) removeLibrary(by *Member, name string, version int) (int, error) {
	if !by.me.Role.CanEdit() {
		return 0, errors.New("observers cannot remove team libraries")
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if err := h.check(); err != nil {
		return 0, err
	}
	n, err := h.st.RemoveLibrary(name, version)
	if err == nil {
		h.notice(by, fmt.Sprintf("%s removed team library %q", by.me.Name, model.CleanLine(strings.TrimSpace(name))))
	}
	return n, err
}

// cleanName makes a participant's name safe to show: one line, no
// controls, at most 40 characters.
func cleanName(s string) string {
	s = strings.Join(strings.Fields(model.CleanLine(s)), " ")
	if r := []rune(s); len(r) > 40 {
		s = string(r[:39]) + "…"
	}
	return s
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
