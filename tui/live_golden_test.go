package tui

import (
	"strings"
	"sync"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/ansi"
	"github.com/charmbracelet/x/exp/teatest/v2"

	"github.com/threatdeck/threatdeck/model"
)

// hubPathMember shows a stable path, so goldens do not depend on t.TempDir().
type hubPathMember struct{ *hubMember }

func (hubPathMember) Path() string { return "/home/alice/.local/share/threatdeck/workbook.db" }

// The live screens as the real program draws them at 80×24: the header
// with who is here (cut with "…" when the room is large) and risk poker
// with one vote in. The other members are hub members without a screen.
func TestGoldenLiveScreens(t *testing.T) {
	for _, name := range []string{"PresenceHeader", "PokerVoting", "PokerRevealed"} {
		t.Run(name+"_80x24", func(t *testing.T) {
			h := newFakeHub(t)
			m := fixtureModel(t)
			if _, err := m.PutThreat(model.Threat{Title: "Card testing", Category: model.Spoofing, Likelihood: 2, Impact: 3}, coreNow); err != nil {
				t.Fatal(err)
			}
			id := seedHub(t, h, m)
			fran := h.join("fran", model.RoleFacilitator, 4096)
			a := newApp(Options{Workbook: hubPathMember{fran}, Clock: func() time.Time { return coreNow }, Location: time.UTC, NoColor: true, ModelID: id})
			a.timer.every = 0
			others := []*hubMember{h.join("ann", model.RoleParticipant, 64), h.join("bob", model.RoleParticipant, 64)}
			if name == "PresenceHeader" {
				others = append(others, h.join("Maximilian Featherstonehaugh", model.RoleObserver, 64))
			}
			for i, o := range others {
				step := []string{"threats", "assets", "overview"}[i]
				if err := o.Announce(model.Presence{ModelID: id, Step: step, Following: i == 0}); err != nil {
					t.Fatal(err)
				}
			}
			rec := &frameRecorder{a: a}
			tm := teatest.NewTestModel(t, rec, teatest.WithInitialTermSize(80, 24),
				teatest.WithProgramOptions(tea.WithColorProfile(colorprofile.Ascii)))
			// The terminal gets only what changed between frames, so wait
			// on the whole frame the app last drew.
			waitFor := func(text string) {
				t.Helper()
				teatest.WaitFor(t, tm.Output(), func([]byte) bool { return strings.Contains(rec.last(), text) },
					teatest.WithDuration(5*time.Second), teatest.WithCheckInterval(5*time.Millisecond))
			}
			waitFor("Payments API")
			tm.Send(coreKey("6"))
			waitFor("Card testing")
			if name != "PresenceHeader" {
				tm.Send(coreKey("V"))
				waitFor("Started risk poker on T-001") // committed
				vote := func(o *hubMember, l, i int) {
					cur := h.stored(id)
					ch, err := cur.CastVote("T-001", o.me.Name, l, i, coreNow)
					if err != nil {
						t.Fatal(err)
					}
					if err := o.Commit(id, ch.Do); err != nil {
						t.Fatal(err)
					}
				}
				vote(others[0], 4, 4)
				waitFor("Voted (1)")
				if name == "PokerRevealed" {
					vote(others[1], 2, 5)
					waitFor("Voted (2)")
					tm.Send(coreKey("r"))
					waitFor("Revealed the votes on T-001") // committed
				}
			}
			requireRecordedFrame(t, tm, 24)
		})
	}
}

// frameRecorder is the app with its last frame kept, as plain text, for
// waiting on.
type frameRecorder struct {
	a     *app
	mu    sync.Mutex
	frame string
}

func (f *frameRecorder) Init() tea.Cmd { return f.a.Init() }

func (f *frameRecorder) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	_, cmd := f.a.Update(msg)
	return f, cmd
}

func (f *frameRecorder) View() tea.View {
	v := f.a.View()
	f.mu.Lock()
	f.frame = ansi.Strip(f.a.render())
	f.mu.Unlock()
	return v
}

func (f *frameRecorder) last() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.frame
}

// requireRecordedFrame is requireGoldenFrame for a recorded app.
func requireRecordedFrame(t *testing.T, tm *teatest.TestModel, height int) {
	t.Helper()
	if err := tm.Quit(); err != nil {
		t.Fatal(err)
	}
	compareGoldenFrame(t, tm.FinalModel(t, teatest.WithFinalTimeout(5*time.Second)).(*frameRecorder).a, height)
}
