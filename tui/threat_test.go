package tui

import (
	"slices"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// threatModel adds threats of known risk, category, status and assets to
// the fixture:
//
//	T-001 Session fixation     S  2×2=4   open       AS-001
//	T-002 Audit log wiped      R  5×5=25  mitigated  —
//	T-003 Bulk export leak     I  4×3=12  open       AS-001, AS-002
//	T-004 API flood            D  3×3=9   accepted   AS-002
func threatModel(t testing.TB) *model.Model {
	t.Helper()
	m := scrModel(t)
	for _, th := range []model.Threat{
		{Title: "Session fixation", Category: model.Spoofing, Likelihood: 2, Impact: 2, Assets: []string{"AS-001"}},
		{Title: "Audit log wiped", Category: model.Repudiation, Likelihood: 5, Impact: 5, Status: model.StatusMitigated,
			Mitigations: []model.Mitigation{{Description: "Append-only log store"}}},
		{Title: "Bulk export leak", Category: model.InformationDisclosure, Likelihood: 4, Impact: 3, Assets: []string{"AS-001", "AS-002"},
			Mitigations: []model.Mitigation{{Description: "Row limits on export"}, {Description: "Alert on large exports", Status: model.MitigationImplemented}}},
		{Title: "API flood", Category: model.DenialOfService, Likelihood: 3, Impact: 3, Status: model.StatusAccepted, Assets: []string{"AS-002"}},
	} {
		if _, err := m.PutThreat(th, scrNow); err != nil {
			t.Fatal(err)
		}
	}
	return m
}

// threatRows lists the threat ids in the order the table shows them.
func threatRows(h *harness) []string {
	var ids []string
	for _, l := range strings.Split(h.body(), "\n") {
		f := strings.Fields(strings.TrimLeft(l, "> "))
		if len(f) > 0 && strings.HasPrefix(f[0], "T-") {
			ids = append(ids, f[0])
		}
	}
	return ids
}

func TestThreatsSort(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepThreats)
	for _, tc := range []struct {
		keys []string
		want []string
		bar  string
	}{
		{nil, []string{"T-002", "T-003", "T-004", "T-001"}, ""},
		{[]string{"o"}, []string{"T-001", "T-002", "T-003", "T-004"}, "sort id"},
		{[]string{"o"}, []string{"T-004", "T-002", "T-003", "T-001"}, "sort title"},
		{[]string{"O"}, []string{"T-001", "T-003", "T-002", "T-004"}, "sort title"},
		{[]string{"o"}, []string{"T-002", "T-003", "T-004", "T-001"}, ""},
	} {
		h.press(tc.keys...)
		if got := threatRows(h); !slices.Equal(got, tc.want) {
			t.Fatalf("after %v rows %v, want %v\n%s", tc.keys, got, tc.want, h.body())
		}
		h.wantScreen(tc.bar)
	}
	// The badge carries band and score in text, readable without colour.
	h.wantScreen("Critical 25", "High 12", "Medium 9", "Low 4")
}

func TestThreatsFilter(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepThreats)
	for _, tc := range []struct {
		name string
		keys []string
		want []string
	}{
		{"category spoofing", []string{"c"}, []string{"T-001"}},
		{"category tampering", []string{"c"}, nil},
		{"category cleared", []string{"c", "c", "c", "c", "c"}, []string{"T-002", "T-003", "T-004", "T-001"}},
		{"status open", []string{"s"}, []string{"T-003", "T-001"}},
		{"status open, asset AS-002", []string{"A", "A"}, []string{"T-003"}},
		{"esc clears", []string{"esc"}, []string{"T-002", "T-003", "T-004", "T-001"}},
		{"text", []string{"/", "l", "e", "a", "k"}, []string{"T-003"}},
		{"text by id", []string{"backspace", "backspace", "backspace", "backspace", "t", "-", "0", "0", "4"}, []string{"T-004"}},
		{"text kept after enter, then cleared", []string{"enter", "esc"}, []string{"T-002", "T-003", "T-004", "T-001"}},
	} {
		h.press(tc.keys...)
		if got := threatRows(h); !slices.Equal(got, tc.want) {
			t.Fatalf("%s: rows %v, want %v\n%s", tc.name, got, tc.want, h.screen())
		}
	}
	h.press("c", "c")
	h.wantScreen("cat T Tampering", "No threat matches the filters")
}

func TestThreatsToggleStatusKeepsCursor(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepThreats)
	h.press("j") // T-003, open
	if got := pageOf[*threatsPage](h).Selected(); got != "T-003" {
		t.Fatalf("selected %s", got)
	}
	h.press("space")
	th, _ := h.stored().Threat("T-003")
	if th.Status != model.StatusMitigated {
		t.Fatalf("status %s, want mitigated", th.Status)
	}
	if got := pageOf[*threatsPage](h).Selected(); got != "T-003" {
		t.Fatalf("cursor moved to %s", got)
	}
	// With an "open" filter the toggled threat leaves the table.
	h.press("space", "space", "space", "space") // back to open
	h.press("s", "space")
	if got := threatRows(h); !slices.Equal(got, []string{"T-001"}) {
		t.Fatalf("rows %v\n%s", got, h.body())
	}
}

func TestThreatsAddEditDelete(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepThreats)

	// Saving without a title keeps the form with the model's message.
	h.press("a")
	h.wantScreen("New threat", "Title *")
	h.press("ctrl+s")
	h.wantScreen("Title is required")
	h.typeText("Token replay")
	h.press("ctrl+s")
	th, ok := h.stored().Threat("T-005")
	if !ok || th.Title != "Token replay" || th.Category != model.Spoofing || th.Likelihood != 3 || th.Status != model.StatusOpen {
		t.Fatalf("added %+v", th)
	}
	if got := pageOf[*threatsPage](h).Selected(); got != "T-005" {
		t.Fatalf("cursor on %s, want the new threat", got)
	}

	// Edit: change the title and raise the likelihood to 5 (→ in the select).
	h.press("e")
	h.wantScreen("Edit T-005")
	h.typeText(" with stolen JWT")
	h.press("tab", "tab", "tab", "tab", "down", "down", "ctrl+s")
	th, _ = h.stored().Threat("T-005")
	if th.Title != "Token replay with stolen JWT" || th.Likelihood != 5 {
		t.Fatalf("edited %+v", th)
	}

	// Delete asks first; n keeps it, y deletes it.
	h.press("d")
	h.wantScreen("Delete T-005")
	h.press("n")
	if _, ok := h.m().Threat("T-005"); !ok {
		t.Fatal("deleted after n")
	}
	h.press("d", "y")
	if _, ok := h.stored().Threat("T-005"); ok {
		t.Fatal("not deleted after y")
	}
}

func TestThreatsDetailMitigations(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepThreats)
	h.press("j", "enter") // T-003
	h.wantScreen("T-003", "Bulk export leak", "Assets:", "AS-001 Card data", "Mitigations (2)",
		"[Planned    ] M-", "Row limits on export", "[Implemented] M-")

	// space cycles the status of the mitigation under the cursor.
	h.press("space")
	th, _ := h.stored().Threat("T-003")
	if th.Mitigations[0].Status != model.MitigationInProgress {
		t.Fatalf("status %s", th.Mitigations[0].Status)
	}

	// a adds a mitigation, e edits it, d deletes it after a yes.
	h.press("a")
	h.typeText("Watermark exports")
	h.press("ctrl+s")
	th, _ = h.stored().Threat("T-003")
	if len(th.Mitigations) != 3 || th.Mitigations[2].Description != "Watermark exports" || th.Mitigations[2].Status != model.MitigationPlanned {
		t.Fatalf("mitigations %+v", th.Mitigations)
	}
	h.press("e")
	h.typeText(" per user")
	h.press("tab", "down", "ctrl+s")
	th, _ = h.stored().Threat("T-003")
	if m := th.Mitigations[2]; m.Description != "Watermark exports per user" || m.Status != model.MitigationInProgress {
		t.Fatalf("edited %+v", m)
	}
	h.press("d")
	h.wantScreen("Delete mitigation")
	h.press("y")
	th, _ = h.stored().Threat("T-003")
	if len(th.Mitigations) != 2 {
		t.Fatalf("mitigations %+v", th.Mitigations)
	}
	h.press("esc")
	if got := pageOf[*threatsPage](h).detail; got != "" {
		t.Fatalf("detail still open on %s", got)
	}
}

func TestThreatsSelectClearsHidingFilter(t *testing.T) {
	h := openHarness(t, threatModel(t))
	h.goTo(StepThreats)
	h.press("c") // spoofing only: T-001
	p := pageOf[*threatsPage](h)
	p.Select("T-002")
	if got := p.Selected(); got != "T-002" {
		t.Fatalf("selected %s", got)
	}
	if p.idx.filter.active() {
		t.Fatalf("filter %+v still hides the jump target", p.idx.filter)
	}
}

func TestThreatsHostileTextIsCleaned(t *testing.T) {
	m := scrModel(t)
	// A workbook written by another tool may hold anything.
	m.Threats = append(m.Threats, model.Threat{ID: "T-001", Title: "evil \x1b]52;c;aGk=\x07 \x1b[2Jtitle", Category: model.Spoofing,
		Likelihood: 3, Impact: 3, Status: model.StatusOpen, Description: "line\x1b[31m red"})
	h := openHarness(t, m)
	h.goTo(StepThreats)
	h.press("enter")
	out := h.a.render()
	for _, bad := range []string{"\x1b]52", "\x1b[2J", "\x07"} {
		if strings.Contains(out, bad) {
			t.Fatalf("screen carries %q", bad)
		}
	}
	h.wantScreen("evil", "title")
}

func TestThreatsGolden(t *testing.T) {
	runScrGoldens(t, []scrGolden{
		{"Table", []string{"6"}},
		{"Filtered", []string{"6", "s", "/", "e"}},
		{"Detail", []string{"6", "j", "enter"}},
		{"Form", []string{"6", "e"}},
	})
}
