package model

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var decideNow = time.Date(2026, 3, 2, 9, 30, 0, 0, time.UTC)

func TestPutThreatDecisions(t *testing.T) {
	tests := []struct {
		name  string
		th    Threat
		field string // the field the error names; "" means it saves
		msg   string
	}{
		{"mitigate needs no rationale", Threat{Treatment: TreatMitigate}, "", ""},
		{"accept needs a rationale", Threat{Treatment: TreatAccept}, "rationale", "is required when the treatment is accept"},
		{"transfer needs a rationale", Threat{Treatment: TreatTransfer, Rationale: "  "}, "rationale", "is required"},
		{"avoid with rationale", Threat{Treatment: TreatAvoid, Rationale: "feature dropped", DecidedBy: "Ana"}, "", ""},
		{"unknown treatment", Threat{Treatment: "ignore"}, "treatment", `"ignore" is not a known treatment`},
		{"control character in rationale", Threat{Treatment: TreatAccept, Rationale: "ok\x1b[31m"}, "rationale", "U+001B"},
		{"C1 control in rationale", Threat{Treatment: TreatAccept, Rationale: "ok\u009b"}, "rationale", "U+009B"},
		{"review before decision", Threat{Treatment: TreatAccept, Rationale: "r", DecidedAt: "2026-03-01", ReviewBy: "2026-02-01"}, "review by", "2026-02-01 is before the decision on 2026-03-01"},
		{"review before today's decision", Threat{Treatment: TreatAccept, Rationale: "r", ReviewBy: "2026-03-01"}, "review by", "before the decision on 2026-03-02"},
		{"bad review date", Threat{ReviewBy: "next year"}, "review by", `"next year" is not a date`},
		{"ticket not http", Threat{Mitigations: []Mitigation{{Description: "m", Ticket: "ftp://x.org/1"}}}, "mitigation 1 ticket", "must start with https://"},
		{"ticket without host", Threat{Mitigations: []Mitigation{{Description: "m", Ticket: "https:///x"}}}, "mitigation 1 ticket", "has no host"},
		{"ticket with space", Threat{Mitigations: []Mitigation{{Description: "m", Ticket: "https://x.org/a b"}}}, "mitigation 1 ticket", "without spaces"},
		{"ticket with escape", Threat{Mitigations: []Mitigation{{Description: "m", Ticket: "https://x.org/\x1b]8;;"}}}, "mitigation 1 ticket", "control characters"},
		{"good ticket and due", Threat{Mitigations: []Mitigation{{Description: "m", Owner: "Bo", Due: "2026-04-01", Ticket: "https://jira.example.com/browse/SEC-1"}}}, "", ""},
		{"bad due", Threat{Mitigations: []Mitigation{{Description: "m", Due: "2026-13-01"}}}, "mitigation 1 due", "is not a date"},
		{"won't do needs a reason", Threat{Mitigations: []Mitigation{{Description: "m", Status: MitigationWontDo}}}, "mitigation 1 reason", "is required"},
		{"won't do with reason", Threat{Mitigations: []Mitigation{{Description: "m", Status: MitigationWontDo, Reason: "covered by the WAF"}}}, "", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			m, _ := New("m", "", decideNow)
			tc.th.Title, tc.th.Category = "t", Spoofing
			before := len(m.Threats)
			_, err := m.PutThreat(tc.th, decideNow)
			if tc.field == "" {
				if err != nil {
					t.Fatalf("PutThreat: %v", err)
				}
				return
			}
			ve, ok := err.(ValidationError)
			if !ok {
				t.Fatalf("error %v, want a ValidationError on %q", err, tc.field)
			}
			if msg := ve.For(tc.field); !strings.Contains(msg, tc.msg) {
				t.Errorf("%s: %q, want it to contain %q (all: %v)", tc.field, msg, tc.msg, err)
			}
			if len(m.Threats) != before {
				t.Error("a refused threat was saved")
			}
		})
	}
}

func TestDecisionStamp(t *testing.T) {
	m, _ := New("m", "", decideNow)
	ch, err := m.PutThreat(Threat{Title: "t", Category: Spoofing, Treatment: TreatAccept, Rationale: "cheap", DecidedBy: "Ana", ReviewBy: "2026-09-01"}, decideNow)
	if err != nil {
		t.Fatal(err)
	}
	th := m.Threats[0]
	if th.DecidedAt != "2026-03-02" {
		t.Errorf("decided at %q, want today", th.DecidedAt)
	}
	// A later edit of something else keeps the decision's date; a changed
	// treatment or rationale is a new decision, dated the day it is taken.
	later := decideNow.AddDate(0, 1, 0)
	th.Title = "renamed"
	if _, err := m.PutThreat(th, later); err != nil {
		t.Fatal(err)
	}
	if got := m.Threats[0].DecidedAt; got != "2026-03-02" {
		t.Errorf("after a rename, decided at %q", got)
	}
	th = m.Threats[0]
	th.Rationale = "still cheap"
	if _, err := m.PutThreat(th, later); err != nil {
		t.Fatal(err)
	}
	if got := m.Threats[0].DecidedAt; got != "2026-04-02" {
		t.Errorf("after a new rationale, decided at %q", got)
	}
	_ = ch
}

func TestDismissalReasonsAndRestore(t *testing.T) {
	m, _ := New("m", "", decideNow)
	if _, err := m.DismissWithReason("lib-1", "no uploads here", decideNow); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Dismiss("lib-2", decideNow); err != nil {
		t.Fatal(err)
	}
	if _, err := m.DismissWithReason("lib-3", "bad\x07", decideNow); err == nil || !strings.Contains(err.Error(), "U+0007") {
		t.Errorf("a reason with a control character: %v", err)
	}
	d, ok := m.DismissalOf("lib-1")
	if !ok || d.Reason != "no uploads here" || !d.At.Equal(decideNow) {
		t.Errorf("lib-1: %+v %v", d, ok)
	}
	ch, err := m.Restore("lib-1", decideNow)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := m.DismissalOf("lib-1"); ok {
		t.Error("restored suggestion is still dismissed")
	}
	// Undoing the restore brings the reason back.
	m.Apply(ch.Undo)
	if d, _ := m.DismissalOf("lib-1"); d.Reason != "no uploads here" {
		t.Errorf("after undo: %+v", d)
	}
	if _, err := m.Restore("nope", decideNow); err == nil {
		t.Error("restoring what was never dismissed succeeded")
	}
}

func TestDismissalDecodesOldTrue(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Dismissal
		bad  bool
	}{
		{"true", Dismissal{}, false},
		{` true `, Dismissal{}, false},
		{`{}`, Dismissal{}, false},
		{`{"reason":"r","at":"2026-03-02T09:30:00Z"}`, Dismissal{Reason: "r", At: decideNow}, false},
		{`{"why":"r"}`, Dismissal{}, true},
		{`"yes"`, Dismissal{}, true},
	} {
		v, _ := NewRecordValue(RecDismissed)
		err := json.Unmarshal([]byte(tc.in), v)
		if (err != nil) != tc.bad {
			t.Errorf("%s: error %v", tc.in, err)
			continue
		}
		if got := *v.(*Dismissal); !tc.bad && (got.Reason != tc.want.Reason || !got.At.Equal(tc.want.At)) {
			t.Errorf("%s: %+v", tc.in, got)
		}
	}
}

func TestCheckDecisions(t *testing.T) {
	m, _ := New("m", "", decideNow)
	for _, th := range []Threat{
		{Title: "legacy accepted", Category: Spoofing, Status: StatusAccepted, Likelihood: 1, Impact: 1},                                                    // T-001: no rationale, no decider
		{Title: "documented", Category: Spoofing, Status: StatusAccepted, Treatment: TreatAccept, Rationale: "r", DecidedBy: "Ana", ReviewBy: "2026-06-30"}, // T-002
		{Title: "no decider", Category: Spoofing, Treatment: TreatTransfer, Rationale: "insurer", Likelihood: 1, Impact: 1},                                 // T-003
		{Title: "mitigate", Category: Spoofing, Treatment: TreatMitigate, Likelihood: 1, Impact: 1},                                                         // T-004
	} {
		if _, err := m.PutThreat(th, decideNow); err != nil {
			t.Fatal(err)
		}
	}
	rules := func(o CheckOptions) string {
		var out []string
		for _, f := range Check(m, o) {
			if f.Rule == RuleDecisionUndocumented || f.Rule == RuleReviewOverdue {
				out = append(out, f.Rule+" "+f.ID)
			}
		}
		return strings.Join(out, ", ")
	}
	if got := rules(CheckOptions{Require: []string{RequireDecisions}}); got != "decision-undocumented T-001, decision-undocumented T-003" {
		t.Errorf("require decisions: %s", got)
	}
	if got := rules(CheckOptions{Now: time.Date(2026, 6, 30, 23, 0, 0, 0, time.UTC)}); got != "" {
		t.Errorf("on the review day itself: %s", got)
	}
	july := time.Date(2026, 7, 1, 0, 0, 0, 0, time.UTC)
	if got := rules(CheckOptions{Now: july}); got != "acceptance-review-overdue T-002" {
		t.Errorf("past review: %s", got)
	}
	for _, f := range Check(m, CheckOptions{Now: july}) {
		if f.Rule == RuleReviewOverdue && !strings.Contains(f.Message, "2026-06-30") {
			t.Errorf("message %q does not name the date", f.Message)
		}
	}
	if _, err := ParseRequire([]string{"decisions"}); err != nil {
		t.Error(err)
	}
}
