package tui

import (
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// fakeHub is an in-memory live host over a real store: it serialises
// commits, stamps who made them, and broadcasts every committed edit with
// its Seq to every member, the committer included. Like the real host it
// renumbers an addition whose new id someone else took a moment before
// (the committer is told to Reload), and a member whose queue is full
// misses events and gets a Reload once it has room.
type fakeHub struct {
	t        testing.TB
	mu       sync.Mutex
	st       *store.Store
	seq      uint64
	members  []*hubMember
	presence map[string]model.Presence
	at       time.Time
}

type hubMember struct {
	hub *fakeHub
	me  model.Participant
	ch  chan model.LiveEvent
	// behind is set when an event was dropped for this member.
	behind bool
}

func newFakeHub(t testing.TB) *fakeHub {
	st, err := store.Open(filepath.Join(t.TempDir(), "workbook.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &fakeHub{t: t, st: st, presence: map[string]model.Presence{}, at: coreNow}
}

// join adds a member with a queue of size events.
func (h *fakeHub) join(name string, role model.Role, size int) *hubMember {
	h.mu.Lock()
	defer h.mu.Unlock()
	m := &hubMember{hub: h, me: model.Participant{Name: name, Role: role, Session: name + "-1"}, ch: make(chan model.LiveEvent, size)}
	h.members = append(h.members, m)
	// Like the host, tell a newcomer who is already here.
	if len(h.presence) > 0 {
		m.send(model.LiveEvent{Kind: model.EventPresence, Presence: h.presenceList()})
	}
	return m
}

// leave closes a member's session, as the host does when it goes.
func (h *fakeHub) close(why string) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, m := range h.members {
		m.send(model.LiveEvent{Kind: model.EventClosed, Text: why})
		close(m.ch)
	}
	h.members = nil
}

func (m *hubMember) send(ev model.LiveEvent) {
	reload := m.behind && ev.Kind == model.EventEdit
	if reload {
		ev = model.LiveEvent{Kind: model.EventEdit, ModelID: ev.ModelID, Seq: ev.Seq, Reload: true}
	}
	select {
	case m.ch <- ev:
		if reload {
			m.behind = false
		}
	default:
		m.behind = true
	}
}

func (h *fakeHub) broadcast(ev model.LiveEvent) {
	for _, m := range h.members {
		m.send(ev)
	}
}

func (m *hubMember) Path() string                   { return m.hub.st.Path() }
func (m *hubMember) List() ([]model.Summary, error) { return m.hub.st.List() }
func (m *hubMember) Load(id string) (*model.Model, error) {
	m.hub.mu.Lock()
	defer m.hub.mu.Unlock()
	return m.hub.st.Load(id)
}
func (m *hubMember) Delete(id string) error            { return m.hub.st.Delete(id) }
func (m *hubMember) Position() (model.Position, error) { return model.Position{}, nil }
func (m *hubMember) SetPosition(model.Position) error  { return nil }
func (m *hubMember) ModelPosition(string) (model.Position, error) {
	return model.Position{}, nil
}
func (m *hubMember) Me() model.Participant          { return m.me }
func (m *hubMember) Events() <-chan model.LiveEvent { return m.ch }

func (m *hubMember) Create(md *model.Model) (string, error) {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	id, err := h.st.Create(md)
	if err == nil {
		h.broadcast(model.LiveEvent{Kind: model.EventModels})
	}
	return id, err
}

func (m *hubMember) Commit(id string, e model.Edit) error {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	e.By, e.At = m.me.Name, h.at
	cur, err := h.st.Load(id)
	if err != nil {
		return err
	}
	renumbered := renumber(cur, &e)
	if err := h.st.Commit(id, e); err != nil {
		return err
	}
	h.seq++
	for _, x := range h.members {
		if x == m && renumbered {
			x.send(model.LiveEvent{Kind: model.EventEdit, ModelID: id, Seq: h.seq, Reload: true})
			continue
		}
		ec := e
		x.send(model.LiveEvent{Kind: model.EventEdit, ModelID: id, Seq: h.seq, Edit: &ec})
	}
	return nil
}

// renumber gives an addition a fresh id when the counter it moved was
// already moved by someone else's addition.
func renumber(cur *model.Model, e *model.Edit) bool {
	changed := false
	recs := slices.Clone(e.Records)
	for i, r := range recs {
		if r.Kind != model.RecSeq {
			continue
		}
		n := r.Value.(int)
		if cur.Seq[r.ID] < n {
			continue
		}
		fresh := cur.Seq[r.ID] + 1
		oldID, newID := model.FormatID(r.ID, n), model.FormatID(r.ID, fresh)
		recs[i].Value = fresh
		for j, x := range recs {
			if x.ID == oldID && x.Value != nil {
				v := reflect.New(reflect.TypeOf(x.Value)).Elem()
				v.Set(reflect.ValueOf(x.Value))
				v.FieldByName("ID").SetString(newID)
				recs[j] = model.Record{Kind: x.Kind, ID: newID, Value: v.Interface()}
			}
		}
		changed = true
	}
	e.Records = recs
	return changed
}

func (m *hubMember) Announce(p model.Presence) error {
	h := m.hub
	h.mu.Lock()
	defer h.mu.Unlock()
	p.Participant = m.me
	h.presence[m.me.Session] = p
	h.broadcast(model.LiveEvent{Kind: model.EventPresence, Presence: h.presenceList()})
	return nil
}

func (h *fakeHub) presenceList() []model.Presence {
	all := make([]model.Presence, 0, len(h.presence))
	for _, k := range slices.Sorted(mapsKeys(h.presence)) {
		all = append(all, h.presence[k])
	}
	return all
}

func mapsKeys(m map[string]model.Presence) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// client is one real TUI app on the hub, driven by key messages.
type client struct {
	t   testing.TB
	a   *app
	mem *hubMember
	// listening holds the app's parked read of the event queue: run only
	// when an event is there, so the test never blocks on it.
	listening []tea.Cmd
}

// listenPtr identifies the event-reading command (every closure of
// readLive shares its code).
var listenPtr = reflect.ValueOf(readLive(nil)).Pointer()

func (h *fakeHub) client(name string, role model.Role, modelID string) *client {
	mem := h.join(name, role, 4096)
	return h.clientFor(mem, modelID)
}

func (h *fakeHub) clientFor(mem *hubMember, modelID string) *client {
	c := &client{t: h.t, mem: mem}
	c.a = newApp(Options{Workbook: mem, Clock: func() time.Time { return coreNow }, Location: time.UTC,
		NoColor: true, ModelID: modelID, User: "not-used-when-live"})
	c.a.timer.every = 0
	c.send(tea.WindowSizeMsg{Width: 100, Height: 30})
	c.run(c.a.Init())
	return c
}

func (c *client) send(msg tea.Msg) {
	c.t.Helper()
	_, cmd := c.a.Update(msg)
	c.run(cmd)
}

func (c *client) run(cmd tea.Cmd) {
	if cmd == nil {
		return
	}
	if reflect.ValueOf(cmd).Pointer() == listenPtr {
		c.listening = append(c.listening, cmd)
		return
	}
	drainWith(c.a, cmd, c.send, c.run)
}

func (c *client) press(keys ...string) {
	c.t.Helper()
	pressKeys(c.send, keys...)
}

func (c *client) typeText(s string) {
	c.t.Helper()
	typeKeys(c.send, s)
}

func (c *client) screen() string { return ansi.Strip(c.a.render()) }

func (c *client) wantScreen(subs ...string) {
	c.t.Helper()
	s := c.screen()
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			c.t.Fatalf("%s's screen lacks %q:\n%s", c.mem.me.Name, sub, s)
		}
	}
}

func (c *client) dontWantScreen(subs ...string) {
	c.t.Helper()
	s := c.screen()
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			c.t.Fatalf("%s's screen shows %q:\n%s", c.mem.me.Name, sub, s)
		}
	}
}

// settleAll delivers queued events to every client until none is left.
func settleAll(cs ...*client) {
	for progressed, n := true, 0; progressed; n++ {
		if n > 10000 {
			panic("the sessions never stop sending each other events")
		}
		progressed = false
		for _, c := range cs {
			if len(c.listening) > 0 && len(c.mem.ch) > 0 {
				cmd := c.listening[0]
				c.listening = c.listening[1:]
				drainWith(c.a, cmd, c.send, c.run)
				progressed = true
			}
		}
	}
}

// seedHub stores m through the hub's store and returns its id.
func seedHub(t testing.TB, h *fakeHub, m *model.Model) string {
	t.Helper()
	m.Normalize()
	id, err := h.st.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	return id
}

// stored is the hub's copy of a model.
func (h *fakeHub) stored(id string) *model.Model {
	h.t.Helper()
	m, err := h.st.Load(id)
	if err != nil {
		h.t.Fatal(err)
	}
	return m
}
