package live

import (
	"time"

	"errors"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// TestConcurrentAddsRenumber: two sessions add a threat from the same copy
// of the model, so both take T-001 and M-001; the host keeps the first,
// renumbers the second to T-002/M-002 in every record, and tells its
// sender to reload.
func TestConcurrentAddsRenumber(t *testing.T) {
	h, id := newHost(t)
	a, b := join(t, h, "alice", model.RoleParticipant), join(t, h, "bob", model.RoleParticipant)
	ma, _ := a.Load(id)
	mb, _ := b.Load(id)
	ca, err := ma.PutThreat(threat("alice's"), t0)
	if err != nil {
		t.Fatal(err)
	}
	cb, _ := mb.PutThreat(threat("bob's"), t0)
	if ca.Do.Label != "Added threat T-001" || cb.Do.Label != "Added threat T-001" {
		t.Fatalf("labels %q %q", ca.Do.Label, cb.Do.Label)
	}
	if err := a.Commit(id, ca.Do); err != nil {
		t.Fatal(err)
	}
	if err := b.Commit(id, cb.Do); err != nil {
		t.Fatal(err)
	}
	first := next(t, a.Events(), model.EventEdit)
	second := next(t, a.Events(), model.EventEdit)
	if first.Reload || second.Reload || first.Seq+1 != second.Seq {
		t.Fatalf("alice got %+v then %+v", first, second)
	}
	if second.Edit.Label != "Added threat T-002" || second.Edit.By != "bob" || second.Edit.At != t0 {
		t.Errorf("renumbered edit: %q by %q at %v", second.Edit.Label, second.Edit.By, second.Edit.At)
	}
	next(t, b.Events(), model.EventEdit)
	if echo := next(t, b.Events(), model.EventEdit); !echo.Reload {
		t.Errorf("bob's renumbered echo has no Reload: %+v", echo)
	}
	got, _ := h.Load(id)
	if len(got.Threats) != 2 || got.Threats[0].Title != "alice's" || got.Threats[1].Title != "bob's" {
		t.Fatalf("threats %+v", got.Threats)
	}
	if tb := got.Threats[1]; tb.ID != "T-002" || tb.Mitigations[0].ID != "M-002" || got.Seq["T"] != 2 || got.Seq["M"] != 2 {
		t.Errorf("bob's threat %s/%s, seq %v", tb.ID, tb.Mitigations[0].ID, got.Seq)
	}
	// The store holds exactly what the host's copy does.
	h.mu.Lock()
	fromStore, err := h.st.Load(id)
	h.mu.Unlock()
	if err != nil {
		t.Fatal(err)
	}
	sameModel(t, "the store", fromStore, got)
}

// TestConvergence: several sessions edit the same model at once — adding
// threats (clashing ids), rewriting the same asset — each applying its
// own edits at once and then every event in Seq order; they all end with
// the host's model. Sessions are in-process members, or clients on the
// real socket.
func TestConvergence(t *testing.T) {
	for _, kind := range []string{"members", "socket"} {
		t.Run(kind, func(t *testing.T) { testConvergence(t, kind) })
	}
}

func testConvergence(t *testing.T, kind string) {
	h, id := newHost(t)
	names := []string{"ana", "bo", "cy"}
	reps := make([]*replica, len(names))
	for i, n := range names {
		if kind == "socket" {
			reps[i] = newReplica(t, dial(t, h, DialOptions{Join: true, Name: n}), id)
		} else {
			reps[i] = newReplica(t, join(t, h, n, model.RoleParticipant), id)
		}
	}
	// One shared asset everybody rewrites.
	ch, _ := reps[0].m.PutAsset(model.Asset{Name: "Card data", Sensitivity: model.Restricted}, t0)
	if err := reps[0].wb.Commit(id, ch.Do); err != nil {
		t.Fatal(err)
	}
	for _, r := range reps {
		r.until(1)
	}
	const each = 15
	var wg sync.WaitGroup
	for i, r := range reps {
		wg.Go(func() {
			for k := range each {
				r.drain()
				var ch model.Change
				var err error
				if k%2 == 0 {
					ch, err = r.m.PutThreat(threat(names[i]+label(k)), t0)
				} else {
					a, _ := r.m.Asset("AS-001")
					a.Description = names[i] + label(k)
					ch, err = r.m.PutAsset(a, t0)
				}
				if err != nil {
					t.Error(err)
					return
				}
				if err := r.wb.Commit(id, ch.Do); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	total := uint64(1 + each*len(reps))
	want, _ := h.Load(id)
	if n := len(want.Threats); n != (each+1)/2*len(reps) {
		t.Fatalf("%d threats, want %d: an add was lost", n, (each+1)/2*len(reps))
	}
	for i, r := range reps {
		r.until(total)
		sameModel(t, names[i], r.m, want)
	}
}

func TestObserverOnlyParks(t *testing.T) {
	h, id := newHost(t)
	o := join(t, h, "olga", model.RoleObserver)
	m, _ := o.Load(id)
	park, err := m.PutParking(model.ParkingItem{Text: "Who rotates the keys?"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Commit(id, park.Do); err != nil {
		t.Fatalf("an observer's parking-lot item was refused: %v", err)
	}
	th, _ := m.PutThreat(threat("sneaky"), t0)
	if err := o.Commit(id, th.Do); !errors.Is(err, errObserver) {
		t.Fatalf("an observer's threat: %v", err)
	}
	if _, err := o.Create(&model.Model{}); err == nil || !strings.Contains(err.Error(), "observers cannot") {
		t.Errorf("an observer created a model: %v", err)
	}
	got, _ := h.Load(id)
	if len(got.Parking) != 1 || len(got.Threats) != 0 {
		t.Errorf("parking %d threats %d", len(got.Parking), len(got.Threats))
	}
}

// TestOverviewNotReverted: an edit about a threat, sent from a copy made
// before someone renamed the model, does not undo the rename.
func TestOverviewNotReverted(t *testing.T) {
	h, id := newHost(t)
	a, b := join(t, h, "alice", ""), join(t, h, "bob", "")
	ma, _ := a.Load(id)
	mb, _ := b.Load(id)
	o := ma.Overview
	o.Title = "Payments v2"
	ch, _ := ma.PutOverview(o, t0)
	if err := a.Commit(id, ch.Do); err != nil {
		t.Fatal(err)
	}
	ch, _ = mb.PutThreat(threat("x"), t0)
	if err := b.Commit(id, ch.Do); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.Load(id); got.Overview.Title != "Payments v2" {
		t.Errorf("title %q: bob's stale overview reverted alice's rename", got.Overview.Title)
	}
}

// TestSlowMemberDoesNotBlock: a member that never reads loses its backlog
// and is told to reload; the host and everyone else carry on.
func TestSlowMemberDoesNotBlock(t *testing.T) {
	h, id := newHost(t)
	h.opts.Buffer = 8
	slow := join(t, h, "slow", "")
	fast := newReplica(t, join(t, h, "fast", ""), id)
	for i := range 50 {
		ch, _ := fast.m.PutThreat(threat(label(i)), t0)
		if err := fast.wb.Commit(id, ch.Do); err != nil {
			t.Fatal(err)
		}
		fast.drain()
	}
	fast.until(50)
	if n := cap(slow.Events()); n != 8 {
		t.Fatalf("buffer %d", n)
	}
	var kinds []model.LiveEventKind
	var reload bool
	for len(slow.Events()) > 0 {
		ev := <-slow.Events()
		kinds = append(kinds, ev.Kind)
		reload = reload || ev.Reload
	}
	if !reload || !slices.Contains(kinds, model.EventModels) {
		t.Errorf("the slow member got %v, no reload", kinds)
	}
}

func TestPresenceAndNotices(t *testing.T) {
	h, id := newHost(t)
	a := join(t, h, "alice", model.RoleFacilitator)
	b, err := h.Join(model.Participant{Name: "bob\x1b[31m", Session: "forged"})
	if err != nil {
		t.Fatal(err)
	}
	if ev := next(t, a.Events(), model.EventNotice); strings.ContainsRune(ev.Text, 0x1b) || !strings.HasPrefix(ev.Text, "bob") || !strings.HasSuffix(ev.Text, " joined") {
		t.Errorf("join notice %q", ev.Text)
	}
	if b.Me().Session == "forged" || b.Me().Role != model.RoleParticipant {
		t.Errorf("bob is %+v", b.Me())
	}
	// Bob cannot speak for alice.
	if err := b.Announce(model.Presence{Participant: a.Me(), ModelID: id, Step: "threats"}); err != nil {
		t.Fatal(err)
	}
	ev := next(t, a.Events(), model.EventPresence)
	for len(ev.Presence) < 2 || ev.Presence[1].Step != "threats" {
		ev = next(t, a.Events(), model.EventPresence)
	}
	if ev.Presence[1].Participant != b.Me() || ev.Presence[0].Participant != a.Me() {
		t.Errorf("presence %+v", ev.Presence)
	}
	b.Leave()
	if ev := next(t, a.Events(), model.EventNotice); !strings.HasSuffix(ev.Text, " left") {
		t.Errorf("leave notice %q", ev.Text)
	}
	if ev := next(t, b.Events(), model.EventClosed); ev.Text == "" {
		t.Error("no reason on leaving")
	}
	if _, ok := <-b.Events(); ok {
		t.Error("events still open after EventClosed")
	}
	if _, err := b.List(); !errors.Is(err, ErrClosed) {
		t.Errorf("list after leaving: %v", err)
	}
}

// TestPositions: the facilitator's position is the workbook's resume
// point; a participant's is its own and does not move it.
func TestPositions(t *testing.T) {
	h, id := newHost(t)
	f, p := join(t, h, "fac", model.RoleFacilitator), join(t, h, "par", "")
	if err := f.SetPosition(model.Position{ModelID: id, Step: "assets"}); err != nil {
		t.Fatal(err)
	}
	if err := p.SetPosition(model.Position{ModelID: id, Step: "threats"}); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.st.Position(); got.Step != "assets" {
		t.Errorf("workbook position %+v", got)
	}
	if got, _ := p.ModelPosition(id); got.Step != "threats" {
		t.Errorf("participant's position %+v", got)
	}
}

func TestHostCloseEndsMembers(t *testing.T) {
	h, _ := newHost(t)
	m := join(t, h, "alice", "")
	sock := h.Socket()
	if err := h.Close(); err != nil {
		t.Fatal(err)
	}
	if ev := next(t, m.Events(), model.EventClosed); !strings.Contains(ev.Text, "ended") {
		t.Errorf("closed: %q", ev.Text)
	}
	if _, err := Dial(h.Path(), DialOptions{}); !errors.Is(err, ErrNoHost) {
		t.Errorf("dial after close: %v (socket %s)", err, sock)
	}
	// The workbook is free again.
	s, err := store.Open(h.Path(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
}

// TestHostStampsUpdated: an edit that leaves the overview out (as live
// TUIs send them, see model.SplitStamp) still moves the model's update
// stamp, to the host's clock, and everyone receives the stamp.
func TestHostStampsUpdated(t *testing.T) {
	h, id := newHost(t)
	later := t0.Add(time.Hour)
	h.opts.Clock = func() time.Time { return later }
	a, b := join(t, h, "alice", ""), join(t, h, "bob", "")
	ma, _ := a.Load(id)
	ch, _ := ma.PutThreat(threat("x"), t0)
	split, _ := model.SplitStamp(ch)
	for _, r := range split.Do.Records {
		if r.Kind == model.RecOverview {
			t.Fatal("the edit under test still carries the overview")
		}
	}
	if err := a.Commit(id, split.Do); err != nil {
		t.Fatal(err)
	}
	if got, _ := h.Load(id); !got.Overview.Updated.Equal(later) {
		t.Errorf("updated %v, want the host's %v", got.Overview.Updated, later)
	}
	ev := next(t, b.Events(), model.EventEdit)
	stamped := false
	for _, r := range ev.Edit.Records {
		if ov, ok := r.Value.(model.Overview); ok && r.Kind == model.RecOverview && ov.Updated.Equal(later) {
			stamped = true
		}
	}
	if !stamped {
		t.Errorf("bob's event carries no new stamp: %+v", ev.Edit.Records)
	}
}
