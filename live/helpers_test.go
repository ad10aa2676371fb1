package live

import (
	"fmt"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/tui"
)

// Both kinds of session are what the TUI takes as a live workbook.
var (
	_ tui.Live = (*Member)(nil)
	_ tui.Live = (*Client)(nil)
)

var t0 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// newHost opens a host on a fresh workbook with one example-sized model,
// and returns it with the model's id.
func newHost(t testing.TB) (*Host, string) {
	t.Helper()
	h, err := Open(filepath.Join(t.TempDir(), "wb.db"), Options{Clock: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.Close() })
	m, err := model.New("Payments", "Security", t0)
	if err != nil {
		t.Fatal(err)
	}
	id, err := h.guest().Create(m)
	if err != nil {
		t.Fatal(err)
	}
	return h, id
}

func join(t testing.TB, h *Host, name string, role model.Role) *Member {
	t.Helper()
	m, err := h.Join(model.Participant{Name: name, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Leave)
	return m
}

// next waits for the next event of the given kind, skipping others.
func next(t testing.TB, events <-chan model.LiveEvent, kind model.LiveEventKind) model.LiveEvent {
	t.Helper()
	timeout := time.After(5 * time.Second)
	for {
		select {
		case ev, ok := <-events:
			if !ok {
				t.Fatalf("events closed while waiting for %s", kind)
			}
			if ev.Kind == kind {
				return ev
			}
		case <-timeout:
			t.Fatalf("no %s event", kind)
		}
	}
}

// replica is a session's copy of one model kept by the convergence rule:
// its own edits applied at once, then every EventEdit in Seq order (its
// own echoes included); Reload reads the model again.
type replica struct {
	t    testing.TB
	wb   tui.Live
	id   string
	m    *model.Model
	seq  uint64
	seen int
}

func newReplica(t testing.TB, wb tui.Live, id string) *replica {
	m, err := wb.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	return &replica{t: t, wb: wb, id: id, m: m}
}

// drain applies every event already delivered.
func (r *replica) drain() {
	for {
		select {
		case ev := <-r.wb.Events():
			r.apply(ev)
		default:
			return
		}
	}
}

func (r *replica) apply(ev model.LiveEvent) {
	if ev.Kind != model.EventEdit {
		return
	}
	if ev.Seq <= r.seq && !ev.Reload {
		r.t.Errorf("event Seq %d after %d", ev.Seq, r.seq)
	}
	r.seq = max(r.seq, ev.Seq)
	r.seen++
	if ev.Reload {
		m, err := r.wb.Load(r.id)
		if err != nil {
			r.t.Error(err)
			return
		}
		r.m = m
		return
	}
	r.m.Apply(*ev.Edit)
}

// until applies events until the replica has seen Seq n.
func (r *replica) until(n uint64) {
	timeout := time.After(10 * time.Second)
	for r.seq < n {
		select {
		case ev := <-r.wb.Events():
			r.apply(ev)
		case <-timeout:
			r.t.Fatalf("replica stuck at Seq %d, want %d", r.seq, n)
		}
	}
}

// sameModel fails unless two models hold the same records.
func sameModel(t testing.TB, who string, got, want *model.Model) {
	t.Helper()
	g, w := got.Records(), want.Records()
	if reflect.DeepEqual(g, w) {
		return
	}
	for i := range min(len(g), len(w)) {
		if !reflect.DeepEqual(g[i], w[i]) {
			t.Fatalf("%s diverged at record %d:\n got %+v\nwant %+v", who, i, g[i], w[i])
		}
	}
	t.Fatalf("%s has %d records, the host %d", who, len(g), len(w))
}

func threat(title string) model.Threat {
	return model.Threat{Title: title, Category: model.Spoofing, Likelihood: 3, Impact: 3, Status: model.StatusOpen,
		Mitigations: []model.Mitigation{{Description: "MFA for " + title, Status: model.MitigationPlanned}}}
}

func label(i int) string { return fmt.Sprintf("threat %d", i) }
