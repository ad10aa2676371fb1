package tui

import (
	tea "charm.land/bubbletea/v2"
	"encoding/json"
	"fmt"
	"github.com/threatdeck/threatdeck/export"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	gmtext "github.com/yuin/goldmark/text"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// liveRoom is a facilitator and participants on one model of a shared hub.
func liveRoom(t *testing.T, names ...string) (*fakeHub, string, []*client) {
	t.Helper()
	h := newFakeHub(t)
	id := seedHub(t, h, fixtureModel(t))
	var cs []*client
	for i, n := range names {
		role := model.RoleParticipant
		if i == 0 {
			role = model.RoleFacilitator
		}
		if strings.HasPrefix(n, "obs:") {
			n, role = strings.TrimPrefix(n, "obs:"), model.RoleObserver
		}
		cs = append(cs, h.client(n, role, id))
		settleAll(cs...)
	}
	for _, c := range cs {
		if c.a.s == nil {
			t.Fatalf("%s did not open the model:\n%s", c.mem.me.Name, c.screen())
		}
	}
	return h, id, cs
}

// sameModels fails unless every client's model equals the hub's (as
// JSON, where an empty list and none are the same).
func sameModels(t *testing.T, h *fakeHub, id string, cs ...*client) {
	t.Helper()
	want := h.stored(id)
	wj, _ := json.Marshal(want)
	for _, c := range cs {
		got := *c.a.s.m
		got.Normalize()
		if gj, _ := json.Marshal(&got); string(gj) != string(wj) {
			t.Fatalf("%s's model differs from the host's:\n got %s\nwant %s", c.mem.me.Name, describe(&got), describe(want))
		}
	}
}

func TestLiveSessionsSeeEachOthersEdits(t *testing.T) {
	h, id, cs := liveRoom(t, "fran", "ann")
	fran, ann := cs[0], cs[1]
	// Ann follows Fran to Assets; both see each other in the header.
	fran.press("2")
	settleAll(cs...)
	if ann.a.step != StepAssets {
		t.Fatalf("ann did not follow to Assets: on %v", ann.a.step)
	}
	fran.wantScreen("with ann Assets")
	ann.wantScreen("with *fran Assets")
	// Fran adds an asset; Ann's list shows it.
	fran.press("a")
	fran.typeText("Vault keys")
	fran.press("enter")
	settleAll(cs...)
	ann.wantScreen("Vault keys", "fran: Added asset")
	// Ann edits the new asset (she may: participants edit); Fran sees it.
	ann.press("G", "e")
	ann.typeText(" v2")
	ann.press("enter")
	settleAll(cs...)
	fran.wantScreen("Vault keys v2")
	sameModels(t, h, id, cs...)
	// Attribution: the store knows who did what.
	m := h.stored(id)
	if m.Assets[2].Name != "Vault keys v2" {
		t.Fatalf("stored %+v", m.Assets)
	}
}

func TestLiveConcurrentEditsConverge(t *testing.T) {
	h, id, cs := liveRoom(t, "fran", "ann", "bob")
	for _, c := range cs {
		c.press("2")
	}
	settleAll(cs...)
	// Everyone renames AS-001 and adds an asset before hearing of the
	// others: the same record three ways, and three additions that all
	// took AS-003.
	for _, c := range cs {
		c.press("g", "e")
		c.press("ctrl+u")
		c.typeText("Tokens by " + c.mem.me.Name)
		c.press("enter")
		c.press("a")
		c.typeText("Added by " + c.mem.me.Name)
		c.press("enter")
	}
	settleAll(cs...)
	sameModels(t, h, id, cs...)
	m := h.stored(id)
	if m.Assets[0].Name != "Tokens by bob" {
		t.Fatalf("the host's last edit should win: %q", m.Assets[0].Name)
	}
	var names []string
	for _, a := range m.Assets[2:] {
		names = append(names, a.ID+" "+a.Name)
	}
	if got := strings.Join(names, ", "); got != "AS-003 Added by fran, AS-004 Added by ann, AS-005 Added by bob" {
		t.Fatalf("additions: %s", got)
	}
	for _, c := range cs {
		c.wantScreen("Added by fran", "Added by ann", "Added by bob", "Tokens by bob")
	}
}

func TestLiveFollowAndDetach(t *testing.T) {
	_, _, cs := liveRoom(t, "fran", "ann", "bob")
	fran, ann, bob := cs[0], cs[1], cs[2]
	fran.press("3", "j")
	settleAll(cs...)
	for _, c := range []*client{ann, bob} {
		if c.a.step != StepActors || c.a.page().Selected() != "TA-002" {
			t.Fatalf("%s is on %v/%s, want Actors/TA-002", c.mem.me.Name, c.a.step, c.a.page().Selected())
		}
	}
	ann.press("f")
	settleAll(cs...)
	ann.wantScreen("Detached")
	fran.wantScreen("ann Actors (own)")
	fran.press("4")
	settleAll(cs...)
	if ann.a.step != StepActors || bob.a.step != StepSurface {
		t.Fatalf("ann (detached) on %v, bob (following) on %v", ann.a.step, bob.a.step)
	}
	// Detached, Ann moves on her own; f follows again and catches up.
	ann.press("2")
	settleAll(cs...)
	if fran.a.step != StepSurface {
		t.Fatal("the facilitator followed a participant")
	}
	ann.press("f")
	settleAll(cs...)
	if ann.a.step != StepSurface {
		t.Fatalf("ann did not catch up: on %v", ann.a.step)
	}
	// The facilitator's f says why it does nothing.
	fran.press("f")
	fran.wantScreen("You are the facilitator")
}

func TestLiveConflictPrompt(t *testing.T) {
	for _, choice := range []string{"keep", "take", "save first"} {
		t.Run(choice, func(t *testing.T) {
			h, id, cs := liveRoom(t, "fran", "ann")
			fran, ann := cs[0], cs[1]
			fran.press("2")
			settleAll(cs...)
			ann.press("e") // AS-001 "Card tokens"
			ann.typeText(" (ann)")
			// Fran renames the same asset while Ann's form is open.
			fran.press("e", "ctrl+u")
			fran.typeText("Vault tokens")
			fran.press("enter")
			settleAll(cs...)
			ann.wantScreen("fran changed AS-001 while you edit it", "ctrl+k keep mine", "ctrl+t take theirs")
			// Nothing typed is lost while the question stands.
			if got := ann.a.page().(*entityPage).form.value("name"); got != "Card tokens (ann)" {
				t.Fatalf("form holds %q", got)
			}
			switch choice {
			case "keep":
				ann.press("ctrl+k")
				ann.press("enter")
				settleAll(cs...)
				if n := h.stored(id).Assets[0].Name; n != "Card tokens (ann)" {
					t.Fatalf("kept version not saved: %q", n)
				}
			case "take":
				ann.press("ctrl+t")
				if got := ann.a.page().(*entityPage).form.value("name"); got != "Vault tokens" {
					t.Fatalf("took theirs, form holds %q", got)
				}
				ann.press("esc")
				settleAll(cs...)
				if n := h.stored(id).Assets[0].Name; n != "Vault tokens" {
					t.Fatalf("stored %q", n)
				}
			case "save first":
				// Saving before choosing would replace Fran's rename
				// unseen: it is refused until Ann chooses.
				for _, k := range []string{"ctrl+s", "enter"} {
					ann.press(k)
					settleAll(cs...)
					ann.wantScreen("Not saved, choose first: fran changed AS-001")
					if n := h.stored(id).Assets[0].Name; n != "Vault tokens" {
						t.Fatalf("%s saved over the other edit: %q", k, n)
					}
				}
				ann.press("ctrl+t", "esc")
				settleAll(cs...)
			}
			ann.dontWantScreen("while you edit it")
			sameModels(t, h, id, cs...)
		})
	}
}

func TestLiveObserverIsReadOnly(t *testing.T) {
	h, id, cs := liveRoom(t, "fran", "obs:olga")
	olga := cs[1]
	olga.press("f") // detach: she looks around on her own
	olga.press("2")
	before := len(h.stored(id).Assets)
	for _, k := range []string{"a", "e", "d", "u"} {
		olga.press(k)
		olga.wantScreen("observers can read and park ideas")
		if olga.a.capturing() {
			t.Fatalf("%q opened something for an observer:\n%s", k, olga.screen())
		}
	}
	olga.press("p")
	olga.typeText("Ask about key rotation")
	olga.press("enter")
	settleAll(cs...)
	m := h.stored(id)
	if len(m.Assets) != before || len(m.Parking) != 1 || m.Parking[0].Text != "Ask about key rotation" {
		t.Fatalf("assets %d (was %d), parking %+v", len(m.Assets), before, m.Parking)
	}
	cs[0].wantScreen("1 parked")
}

func TestLiveRiskPoker(t *testing.T) {
	h := newFakeHub(t)
	m := fixtureModel(t)
	if _, err := m.PutThreat(model.Threat{Title: "Card testing", Category: model.Spoofing, Likelihood: 2, Impact: 2}, coreNow); err != nil {
		t.Fatal(err)
	}
	id := seedHub(t, h, m)
	fran := h.client("fran", model.RoleFacilitator, id)
	ann := h.client("ann", model.RoleParticipant, id)
	bob := h.client("bob", model.RoleParticipant, id)
	cs := []*client{fran, ann, bob}
	settleAll(cs...)
	fran.press("6", "V")
	settleAll(cs...)
	for _, c := range []*client{ann, bob} {
		c.wantScreen("Risk poker", "T-001 Card testing", "Your vote")
	}
	fran.wantScreen("Voted (0): nobody yet", "Waiting for: ann, bob, fran")
	ann.press("2", "4", "enter")
	// Up and down go to a row rather than switch: "4 ↓ 5" is L4 I5.
	bob.press("4", "down", "5", "enter")
	settleAll(cs...)
	fran.wantScreen("Voted (2): ann +, bob +")
	// Votes stay private until revealed.
	fran.dontWantScreen("likelihood 2 · impact 4")
	ann.dontWantScreen("likelihood 4 · impact 5")
	ann.press("r") // only the facilitator reveals
	settleAll(cs...)
	fran.dontWantScreen("Spread")
	fran.press("r")
	settleAll(cs...)
	for _, c := range cs {
		c.wantScreen("likelihood 2 · impact 4", "likelihood 4 · impact 5", "Spread: L 2–4 · I 4–5")
	}
	fran.press("enter") // records the median proposal: L 3, I 5
	settleAll(cs...)
	ann.wantScreen("Recorded: likelihood 3 · impact 5")
	th, _ := h.stored(id).Threat("T-001")
	if th.Likelihood != 3 || th.Impact != 5 || th.Vote == nil || len(th.Vote.Votes) != 2 || th.Vote.By != "fran" {
		t.Fatalf("threat %+v vote %+v", th, th.Vote)
	}
	sameModels(t, h, id, cs...)
	// The report carries the decision and the votes.
	report := export.Markdown(h.stored(id))
	var text strings.Builder
	doc := goldmark.DefaultParser().Parse(gmtext.NewReader(report))
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if t, ok := n.(*ast.Text); ok && entering {
			text.Write(t.Segment.Value(report))
			text.WriteByte(' ')
		}
		return ast.WalkContinue, nil
	})
	for _, want := range []string{"Session Record", "likelihood 3, impact 5, agreed by fran", "ann L2 · I4, bob L4 · I5", "spread likelihood 2–4, impact 4–5"} {
		if !strings.Contains(text.String(), want) {
			t.Errorf("report lacks %q:\n%s", want, report)
		}
	}
	// The threat's detail shows the decision.
	ann.wantScreen("*fran Threats")
	fran.press("esc", "enter")
	fran.wantScreen("Risk poker: agreed likelihood 3 · impact 5 by fran from 2 votes", "ann L2·I4", "changed by fran")
}

func TestLiveReloadAndClosed(t *testing.T) {
	h := newFakeHub(t)
	id := seedHub(t, h, fixtureModel(t))
	fran := h.client("fran", model.RoleFacilitator, id)
	// Ann's queue holds 2 events: she falls behind and must reload.
	slow := h.join("ann", model.RoleParticipant, 2)
	ann := h.clientFor(slow, id)
	cs := []*client{fran, ann}
	settleAll(cs...)
	fran.press("f") // the facilitator's f is harmless
	fran.press("2")
	for _, n := range []string{"One", "Two", "Three", "Four"} {
		fran.press("a")
		fran.typeText(n)
		fran.press("enter")
	}
	// Nothing read yet: the queue overflowed.
	settleAll(cs...)
	fran.press("a")
	fran.typeText("Five")
	fran.press("enter")
	settleAll(cs...)
	sameModels(t, h, id, cs...)
	ann.wantScreen("Five")
	h.close("the host quit")
	settleAll(cs...)
	ann.wantScreen("Read-only, q quits: the live session has ended (the host quit)")
	ann.dontWantScreen("with fran")
	ann.press("p")
	ann.typeText("late idea")
	ann.press("enter")
	ann.wantScreen("nothing more can be saved")
}

// describe spells out a model's live-session parts for a failure message.
func describe(m *model.Model) string {
	var b strings.Builder
	fmt.Fprintf(&b, "assets %+v\nvotes %+v\npoker %+v\nparking %+v\n", m.Assets, m.Votes, m.Poker, m.Parking)
	for _, t := range m.Threats {
		fmt.Fprintf(&b, "threat %+v", t)
		if t.Vote != nil {
			fmt.Fprintf(&b, " vote %+v", *t.Vote)
		}
		b.WriteString("\n")
	}
	return b.String()
}

func TestLiveModelsAndFollowIntoAnotherModel(t *testing.T) {
	h := newFakeHub(t)
	first := seedHub(t, h, fixtureModel(t))
	fran := h.client("fran", model.RoleFacilitator, first)
	// Ann starts on the model list (no model given, none to resume).
	annMem := h.join("ann", model.RoleParticipant, 4096)
	ann := h.clientFor(annMem, "")
	cs := []*client{fran, ann}
	settleAll(cs...)
	if ann.a.s == nil || ann.a.s.m.ID != first {
		t.Fatalf("ann did not follow fran into the model:\n%s", ann.screen())
	}
	ann.press("f") // detach, go back to the list
	ann.press("ctrl+o")
	settleAll(cs...)
	ann.wantScreen("Payments API")
	// Fran creates a model; Ann's list shows it without a restart.
	m, err := model.New("Second model", "Team", coreNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := fran.mem.Create(m); err != nil {
		t.Fatal(err)
	}
	settleAll(cs...)
	ann.wantScreen("Second model")
	// The model list's header says who is in a model, at any width.
	for _, w := range []int{80, 120} {
		ann.send(tea.WindowSizeMsg{Width: w, Height: 24})
		ann.wantScreen("with +1 elsewhere")
	}
}

// Every edit stamps the overview's Updated; only a change of its content
// asks the question of someone editing the overview.
func TestLiveOverviewConflictOnlyOnContent(t *testing.T) {
	_, _, cs := liveRoom(t, "fran", "ann")
	fran, ann := cs[0], cs[1]
	ann.press("f", "e")
	if _, _, ok := ann.a.formRecord(); !ok {
		t.Fatalf("no overview form:\n%s", ann.screen())
	}
	fran.press("2", "a")
	fran.typeText("Vault keys")
	fran.press("enter")
	settleAll(cs...)
	ann.dontWantScreen("while you edit it")
	fran.press("1", "e", "ctrl+u")
	fran.typeText("Payments API v2")
	fran.press("enter")
	settleAll(cs...)
	ann.wantScreen("fran changed the overview while you edit it")
}

// An edit of an asset committed just after someone else's overview edit
// does not put the old overview back (every mutator writes the overview
// to move its Updated stamp; live sessions leave that out).
func TestLiveOverviewEditSurvivesOtherEdits(t *testing.T) {
	h, id, cs := liveRoom(t, "fran", "ann")
	fran, ann := cs[0], cs[1]
	ann.press("f", "2")
	fran.press("e", "ctrl+u")
	fran.typeText("Payments API v2")
	fran.press("enter")
	// Ann adds an asset before she hears of the new title.
	ann.press("a")
	ann.typeText("Vault keys")
	ann.press("enter")
	settleAll(cs...)
	if got := h.stored(id).Overview.Title; got != "Payments API v2" {
		t.Fatalf("the overview edit was undone by another edit: title %q", got)
	}
	sameModels(t, h, id, cs...)
}

// "Take theirs" on a mitigation form opens that mitigation again, and the
// detail credits who added and who changed it.
func TestLiveConflictOnMitigation(t *testing.T) {
	h := newFakeHub(t)
	m := fixtureModel(t)
	if _, err := m.PutThreat(model.Threat{Title: "Card testing", Category: model.Spoofing,
		Mitigations: []model.Mitigation{{Description: "Rate limit"}}}, coreNow); err != nil {
		t.Fatal(err)
	}
	id := seedHub(t, h, m)
	fran := h.client("fran", model.RoleFacilitator, id)
	ann := h.client("ann", model.RoleParticipant, id)
	cs := []*client{fran, ann}
	settleAll(cs...)
	fran.press("6", "enter")
	settleAll(cs...)
	ann.press("f", "enter", "e")
	ann.typeText(" per card")
	fran.press("e", "end")
	fran.typeText(" per IP")
	fran.press("ctrl+s")
	settleAll(cs...)
	ann.wantScreen("fran changed T-001 while you edit it")
	ann.press("ctrl+t")
	if got := ann.a.page().(*threatsPage).form.value("mitigation 1"); got != "Rate limit per IP" {
		t.Fatalf("took theirs, form holds %q", got)
	}
	ann.press("end")
	ann.typeText(" and card")
	ann.press("ctrl+s")
	settleAll(cs...)
	th, _ := h.stored(id).Threat("T-001")
	if d := th.Mitigations[0].Description; d != "Rate limit per IP and card" {
		t.Fatalf("stored %q", d)
	}
	fran.wantScreen("changed by ann")
	sameModels(t, h, id, cs...)
}

// TestLiveFollowWaitsForTheForm: a following participant typing in a form
// stays put while the facilitator moves, and catches up as the form
// closes, not at the facilitator's next move.
func TestLiveFollowWaitsForTheForm(t *testing.T) {
	_, _, cs := liveRoom(t, "fran", "ann")
	fran, ann := cs[0], cs[1]
	fran.press("2")
	settleAll(cs...)
	ann.press("a")
	settleAll(cs...)
	fran.press("3")
	settleAll(cs...)
	if ann.a.step != StepAssets || !ann.a.capturing() {
		t.Fatalf("ann was pulled away from her form: on %v, capturing %v", ann.a.step, ann.a.capturing())
	}
	ann.press("esc")
	settleAll(cs...)
	if ann.a.step != StepActors {
		t.Fatalf("ann did not catch up when her form closed: on %v", ann.a.step)
	}
}

// TestSessionRecordOnlyWhenShared: one person opening a model leaves no
// session record (the report must not change on every launch); a second
// person joining makes it a session, recorded with both.
func TestSessionRecordOnlyWhenShared(t *testing.T) {
	h, id, cs := liveRoom(t, "fran")
	cs[0].press("2", "3")
	settleAll(cs...)
	if got := h.stored(id).Sessions; len(got) != 0 {
		t.Fatalf("a solo visit left a session record: %+v", got)
	}
	cs = append(cs, h.client("ann", model.RoleParticipant, id))
	settleAll(cs...)
	got := h.stored(id).Sessions
	if len(got) != 1 || len(got[0].Attendees) != 2 {
		t.Fatalf("the shared session's record: %+v", got)
	}
}

// TestHostQuitAsksWhileOthersAreHere: in the hosting TUI, q asks before
// ending the session for the others; n stays, y quits. Alone, q quits.
func TestHostQuitAsksWhileOthersAreHere(t *testing.T) {
	_, _, cs := liveRoom(t, "fran", "ann")
	fran := cs[0]
	fran.a.opts.Hosting = true
	fran.press("q")
	fran.wantScreen("Quitting ends the live session for the other person here. Quit?")
	if fran.a.quitting {
		t.Fatal("q quit at once with someone else here")
	}
	fran.press("n")
	fran.dontWantScreen("Quit?")
	fran.press("q", "y")
	if !fran.a.quitting {
		t.Fatal("y did not quit")
	}
	// A participant's q, or the host's alone, quits at once.
	ann := cs[1]
	ann.press("q")
	if !ann.a.quitting {
		t.Fatal("a participant's q asked")
	}
	_, _, alone := liveRoom(t, "fran")
	alone[0].a.opts.Hosting = true
	alone[0].press("q")
	if !alone[0].a.quitting {
		t.Fatal("the host alone was asked")
	}
}

// TestParticipantDeleteRefusedBeforeAsking: on the model list a
// participant's d says at once that only the facilitator deletes models,
// rather than asking and then failing.
func TestParticipantDeleteRefusedBeforeAsking(t *testing.T) {
	_, _, cs := liveRoom(t, "fran", "ann")
	ann := cs[1]
	ann.press("f") // detach, or the list would follow fran back into the model
	ann.press("ctrl+o")
	settleAll(cs...)
	ann.press("d")
	ann.wantScreen("Only the facilitator can delete a model")
	ann.dontWantScreen("cannot be undone")
}
