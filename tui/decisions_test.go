package tui

import (
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// decisionModel is scrModel with one threat carrying one mitigation.
func decisionModel(t *testing.T) *model.Model {
	m := scrModel(t)
	if _, err := m.PutThreat(model.Threat{Title: "Card data in logs", Category: model.InformationDisclosure, Likelihood: 3, Impact: 4,
		Mitigations: []model.Mitigation{{Description: "Redact PANs"}}}, scrNow); err != nil {
		t.Fatal(err)
	}
	if _, err := m.PutThreat(model.Threat{Title: "Replay", Category: model.Tampering, Likelihood: 2, Impact: 2}, scrNow); err != nil {
		t.Fatal(err)
	}
	return m
}

// focusField moves an open form's focus to the field with key k.
func focusField(t *testing.T, f *form, k string) {
	t.Helper()
	for i, fl := range f.fields {
		if fl.key == k {
			f.focusField(i)
			return
		}
	}
	t.Fatalf("the form has no field %q", k)
}

func TestThreatFormDecision(t *testing.T) {
	h := openHarness(t, decisionModel(t), 100, 40)
	h.a.s.opts.User = "ana"
	h.goTo(StepThreats)
	h.press("G") // T-002, lowest risk last
	h.press("e")
	p := pageOf[*threatsPage](h)
	if p.form == nil || p.formThreat != "T-002" {
		t.Fatalf("form for %q:\n%s", p.formThreat, h.screen())
	}
	if got := p.form.value("decided by"); got != "ana" {
		t.Errorf("decider defaults to %q, want the local user", got)
	}
	focusField(t, p.form, "treatment")
	h.press("right", "right") // not decided → mitigate → accept
	if got := p.form.value("treatment"); got != "accept" {
		t.Fatalf("treatment %q", got)
	}
	h.press("ctrl+s")
	h.wantScreen("is required when the treatment is accept")
	if th, _ := h.stored().Threat("T-002"); th.Treatment != "" {
		t.Fatalf("a refused decision was saved: %+v", th)
	}
	focusField(t, p.form, "rationale")
	h.typeText("Replays are idempotent")
	focusField(t, p.form, "review by")
	h.typeText("2025-01-31")
	h.press("ctrl+s")
	h.wantScreen("2025-01-31 is before the decision on 2025-03-14")
	for range 10 {
		h.press("backspace")
	}
	h.typeText("2025-09-30")
	h.press("ctrl+s")
	if p.form != nil {
		t.Fatalf("form still open:\n%s", h.screen())
	}
	th, _ := h.stored().Threat("T-002")
	if th.Status != model.StatusAccepted {
		t.Errorf("accepting an open threat left it %s", th.Status)
	}
	if th.Treatment != model.TreatAccept || th.Rationale != "Replays are idempotent" || th.DecidedBy != "ana" || th.DecidedAt != "2025-03-14" || th.ReviewBy != "2025-09-30" {
		t.Fatalf("stored decision: %+v", th)
	}
	h.press("enter") // the detail view
	h.wantScreen("Treatment: Accept · decided by ana on 2025-03-14 · review by 2025-09-30", "Why: Replays are idempotent")
}

func TestMitigationOwnerTicketAndFilters(t *testing.T) {
	h := openHarness(t, decisionModel(t), 100, 40)
	h.goTo(StepThreats)
	h.press("enter") // T-001's detail
	h.press("e")     // its first mitigation
	p := pageOf[*threatsPage](h)
	if p.form == nil {
		t.Fatalf("no mitigation form:\n%s", h.screen())
	}
	focusField(t, p.form, "mitigation 1 owner")
	h.typeText("Bo")
	focusField(t, p.form, "mitigation 1 due")
	h.typeText("2025-03-01")
	focusField(t, p.form, "mitigation 1 ticket")
	h.typeText("ftp://tickets/SEC-1")
	h.press("ctrl+s")
	h.wantScreen("must start with https:// or http://")
	for range len("ftp://tickets/SEC-1") {
		h.press("backspace")
	}
	h.typeText("https://jira.example.com/browse/SEC-1")
	h.press("ctrl+s")
	if p.form != nil {
		t.Fatalf("form still open:\n%s", h.screen())
	}
	th, _ := h.stored().Threat("T-001")
	if mt := th.Mitigations[0]; mt.Owner != "Bo" || mt.Due != "2025-03-01" || mt.Ticket != "https://jira.example.com/browse/SEC-1" {
		t.Fatalf("stored mitigation: %+v", mt)
	}
	h.wantScreen("owner Bo · due 2025-03-01 (overdue) · https://jira.example.com/browse/SEC-1")

	// The table: the owner filter and the overdue filter keep T-001 only.
	h.press("esc")
	h.press("w")
	h.wantScreen("owner Bo", "T-001")
	h.dontWantBody("Replay")
	h.press("w") // back to every owner
	h.wantScreen("Replay")
	h.press("!")
	h.wantScreen("overdue", "T-001")
	h.dontWantBody("Replay")
	h.press("esc")
	h.wantScreen("Replay")
}

func TestStrideDismissWithReasonAndRestore(t *testing.T) {
	h := openHarness(t, scrModel(t), 100, 40)
	h.goTo(StepStride)
	h.press("j")
	sug := strideCurrent(t, h)
	h.press("x")
	h.wantScreen("Why does it not apply?")
	h.typeText("We have no SDKs\x1b[31m")
	h.press("enter")
	m := h.stored()
	d, ok := m.DismissalOf(sug.Threat.ID)
	if !ok || d.Reason != "We have no SDKs[31m" {
		t.Fatalf("dismissal %+v %v", d, ok)
	}
	h.dontWantBody(sug.Threat.Title)

	h.press("X")
	h.wantScreen("Dismissed suggestions", sug.Threat.ID, "We have no SDKs")
	h.press("r")
	if _, ok := h.stored().DismissalOf(sug.Threat.ID); ok {
		t.Fatal("restored suggestion is still dismissed")
	}
	h.wantScreen("Nothing dismissed")
	h.press("esc")
	h.wantScreen(sug.Threat.Title)
}

func TestHistoryView(t *testing.T) {
	h := openHarness(t, decisionModel(t), 100, 30)
	h.goTo(StepThreats)
	h.press("space") // cycle T-001's status
	h.press("H")
	h.wantScreen("History", "Saved threat T-001", "threat T-001", "Created model Payments API")
	body := h.screen()
	if strings.Index(body, "Saved threat T-001") > strings.Index(body, "Created model") {
		t.Errorf("history is not newest first:\n%s", body)
	}
	h.press("esc")
	h.dontWantBody("Created model Payments API")
}

func TestDecisionsGolden(t *testing.T) {
	runScrGoldens(t, []scrGolden{
		{"DismissPrompt", []string{"5", "j", "x"}},
		{"DismissedList", []string{"5", "X"}},
		{"MitigationForm", []string{"6", "enter", "e"}},
	})
}
