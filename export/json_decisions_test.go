package export

import (
	"bytes"
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// oldExport is a threatdeck/1 document exported by threatdeck before
// decisions were recorded (commit 6e55b37): an accepted threat without a
// rationale, a mitigation without an owner, a dismissed suggestion.
const oldExport = "testdata/threatdeck1-before-decisions.json"

func TestJSONOldExportStillImports(t *testing.T) {
	data, err := os.ReadFile(oldExport)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ParseJSON(data)
	if err != nil {
		t.Fatalf("old export: %v", err)
	}
	th, _ := m.Threat("T-002")
	if th.Status != model.StatusAccepted || th.Treatment != "" || th.Decision() != model.TreatAccept {
		t.Errorf("accepted threat: %+v", th)
	}
	if d, ok := m.DismissalOf("builtin.upload-malware"); !ok || d != (model.Dismissal{}) {
		t.Errorf("dismissal: %+v %v", d, ok)
	}
	// Nothing new is added to a model that had none of it: the old export
	// round-trips byte for byte.
	if again := mustJSON(t, m); !bytes.Equal(again, data) {
		t.Error("re-exporting the old document changed it")
	}
}

// decidedModel has every new field set.
func decidedModel(t testing.TB) *model.Model {
	m := model.Example(model.ExampleDate)
	th := m.Threats[2]
	th.Treatment, th.Rationale, th.DecidedBy, th.ReviewBy = model.TreatTransfer, "Covered by the payment provider's contract\n(clause 7).", "CFO", "2024-06-30"
	th.Mitigations[0].Owner, th.Mitigations[0].Due, th.Mitigations[0].Ticket = "Bo", "2024-02-01", "https://tickets.example.com/SEC-12?view=full"
	th.Mitigations[1].Status, th.Mitigations[1].Reason = model.MitigationWontDo, "Replaced by short-lived tokens"
	if _, err := m.PutThreat(th, model.ExampleDate); err != nil {
		t.Fatal(err)
	}
	if _, err := m.DismissWithReason("TDL-S-001", "SSO only: no passwords", model.ExampleDate); err != nil {
		t.Fatal(err)
	}
	if _, err := m.Dismiss("TDL-S-002", model.ExampleDate); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestJSONDecisionsLossless(t *testing.T) {
	m := decidedModel(t)
	first := mustJSON(t, m)
	for _, want := range []string{`"treatment": "transfer"`, `"decided_by": "CFO"`, `"review_by": "2024-06-30"`, `"decided_at": "2024-01-15"`,
		`"owner": "Bo"`, `"due": "2024-02-01"`, `"status": "wont-do"`, `"reason": "Replaced by short-lived tokens"`, `"reason": "SSO only: no passwords"`} {
		if !bytes.Contains(first, []byte(want)) {
			t.Errorf("export lacks %s", want)
		}
	}
	back, err := ParseJSON(first)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first, mustJSON(t, back)) {
		t.Error("export → import → export changed the document")
	}
	if !reflect.DeepEqual(back, canonical(m)) {
		t.Error("imported model differs from the exported one")
	}
}

func TestParseJSONDecisionErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(m map[string]any)
		want   string
	}{
		{"bad ticket", func(m map[string]any) {
			threat0(m)["mitigations"].([]any)[0].(map[string]any)["ticket"] = "javascript:alert(1)"
		}, `model.threats[0].mitigations[0].ticket: "javascript:alert(1)" must start with https:// or http://`},
		{"review before decision", func(m map[string]any) {
			th := threat0(m)
			th["treatment"], th["rationale"], th["decided_at"], th["review_by"] = "accept", "r", "2024-03-01", "2024-01-31"
		}, "model.threats[0].review_by: 2024-01-31 is before the decision on 2024-03-01"},
		{"control character in rationale", func(m map[string]any) {
			th := threat0(m)
			th["treatment"], th["rationale"] = "accept", "fine\u0007"
		}, "model.threats[0].rationale: contains the control character U+0007"},
		{"accept without rationale", func(m map[string]any) { threat0(m)["treatment"] = "accept" },
			"model.threats[0].rationale: is required when the treatment is accept"},
		{"unknown treatment", func(m map[string]any) { threat0(m)["treatment"] = "shrug" },
			`model.threats[0].treatment: "shrug" is not a known treatment`},
		{"bad due", func(m map[string]any) {
			threat0(m)["mitigations"].([]any)[0].(map[string]any)["due"] = "31/12/2024"
		}, `model.threats[0].mitigations[0].due: "31/12/2024" is not a date: use YYYY-MM-DD`},
		{"won't do without reason", func(m map[string]any) {
			threat0(m)["mitigations"].([]any)[0].(map[string]any)["status"] = "wont-do"
		}, "model.threats[0].mitigations[0].reason: is required when the mitigation will not be done"},
		{"dismissal not dismissed", func(m map[string]any) {
			m["dismissals"] = map[string]any{"lib-9": map[string]any{"reason": "x"}}
		}, "model.dismissals.lib-9: is not in the dismissed list"},
		{"dismissal unknown field", func(m map[string]any) {
			m["dismissed"] = []any{"lib-9"}
			m["dismissals"] = map[string]any{"lib-9": map[string]any{"why": "x"}}
		}, `unknown field "why"`},
		{"dismissal reason control", func(m map[string]any) {
			m["dismissed"] = []any{"lib-9"}
			m["dismissals"] = map[string]any{"lib-9": map[string]any{"reason": "x\u001b[2J"}}
		}, "model.dismissed[0].reason: contains the control character U+001B"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseJSON(damagedDoc(t, func(_, m map[string]any) { tc.change(m) }))
			if err == nil {
				t.Fatalf("accepted: %+v", m)
			}
			if m != nil {
				t.Error("returned a model with the error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %q\nwant it to contain %q", err, tc.want)
			}
		})
	}
}
