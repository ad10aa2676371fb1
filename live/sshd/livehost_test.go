package sshd

import (
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/live"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
	"github.com/threatdeck/threatdeck/tui"
)

// TestTwoParticipantsOnTheRealHost: two participants over SSH joined to a
// real live host both see an edit the facilitator commits, and the host's
// presence shows them arrive with the names from authorized_keys and go
// when their sessions end.
func TestTwoParticipantsOnTheRealHost(t *testing.T) {
	m := newModel(t, "Payments API")
	m.Threats = []model.Threat{{ID: model.FormatID(model.PrefixThreat, 1), Title: "Card numbers in the logs", Category: model.StrideCategories[3],
		Likelihood: 3, Impact: 4, Status: model.StatusOpen}}
	m.Seq = map[string]int{model.PrefixThreat: 1}
	m.Normalize()
	ana, ben := newClientKey(t), newClientKey(t)
	r := newLiveRoom(t, m, Config{}, ana.line+" ana", "role=observer "+ben.line+" ben")
	fac, id := r.fac, r.modelID
	presence := make(chan []string, 64)
	go func() {
		for ev := range fac.Events() {
			if ev.Kind == model.EventPresence {
				var names []string
				for _, p := range ev.Presence {
					names = append(names, p.Participant.Name+"/"+string(p.Participant.Role))
				}
				slices.Sort(names)
				presence <- names
			}
		}
	}()
	waitPresence := func(want ...string) {
		t.Helper()
		slices.Sort(want)
		deadline := time.After(10 * time.Second)
		for {
			select {
			case got := <-presence:
				if slices.Equal(got, want) {
					return
				}
			case <-deadline:
				t.Fatalf("presence never became %v", want)
			}
		}
	}

	terms := []*term{openTerm(t, mustDial(t, r.s.Addr().String(), ana), 100, 30), openTerm(t, mustDial(t, r.s.Addr().String(), ben), 80, 24)}
	for _, tm := range terms {
		tm.waitFor(t, "Card numbers in the logs")
	}
	waitPresence("ana/participant", "ben/observer", "fran/facilitator")

	th := m.Threats[0]
	th.Title = "Card numbers masked before logging"
	e := model.Edit{Label: "Edited " + th.ID, Records: []model.Record{{Kind: model.RecThreat, ID: th.ID, Value: th}}}
	if err := fac.Commit(id, e); err != nil {
		t.Fatal(err)
	}
	for _, tm := range terms {
		tm.waitFor(t, "Card numbers masked")
	}

	terms[0].press(t, "q")
	if code := terms[0].wait(t); code != 0 {
		t.Errorf("ana's exit status %d", code)
	}
	waitPresence("ben/observer", "fran/facilitator")
	terms[1].sess.Close()
	waitPresence("fran/facilitator")
	if strings.Contains(terms[1].screen(), "panic") {
		t.Errorf("ben's screen:\n%s", terms[1].screen())
	}
}

// liveRoom is a real live host on a real bbolt workbook holding one model,
// served over SSH to the keys in keyLines (authorized_keys lines), with the
// facilitator's own session joined in the host, as a host TUI would be.
type liveRoom struct {
	host    *live.Host
	s       *Server
	modelID string
	// fac is the facilitator's member; its events must be read.
	fac *live.Member
}

func newLiveRoom(t testing.TB, m *model.Model, cfg Config, keyLines ...string) *liveRoom {
	t.Helper()
	path := filepath.Join(t.TempDir(), "data", "workbook.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	id, err := st.Create(m)
	if err == nil {
		// Everyone resumes on the Threats step of this model.
		err = st.SetPosition(model.Position{ModelID: id, Step: "threats"})
	}
	if cerr := st.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		t.Fatal(err)
	}
	r := &liveRoom{modelID: id}
	if r.host, err = live.Open(path, live.Options{Name: "fran"}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.host.Close() })
	if r.fac, err = r.host.Join(model.Participant{Name: "fran", Role: model.RoleFacilitator, Session: "local"}); err != nil {
		t.Fatal(err)
	}
	writeFile0600(t, filepath.Join(filepath.Dir(path), AuthorizedKeysFile), strings.Join(keyLines, "\n")+"\n")
	join := func(p model.Participant) (tui.Live, func(), error) {
		mem, err := r.host.Join(p)
		if err != nil {
			return nil, nil, err
		}
		return mem, mem.Leave, nil
	}
	cfg.Listen, cfg.WorkbookPath = "127.0.0.1:0", path
	if cfg.Logf == nil {
		cfg.Logf = t.Logf
	}
	r.s, err = New(cfg, join, func(tui.Live) tui.Options { return tui.Options{NoColor: true, ModelID: id} })
	if err == nil {
		err = r.s.Start()
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.s.Close() })
	return r
}

// drain reads the facilitator's events when the test does not need them.
func (r *liveRoom) drain() {
	go func() {
		for range r.fac.Events() {
		}
	}()
}
