package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// check fails an acceptance past its review-by date whatever the bar, and
// --require decisions one without a rationale or decider.
func TestCheckDecisions(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "model.json")
	doc := `{"schema":"threatdeck/1","model":{"overview":{"title":"Payments"},"threats":[` +
		`{"id":"T-001","title":"Replay","category":"tampering","likelihood":1,"impact":1,"status":"accepted","treatment":"accept","rationale":"idempotent","decided_by":"Ana","decided_at":"2025-01-10","review_by":"2025-05-31"},` +
		`{"id":"T-002","title":"Old acceptance","category":"spoofing","likelihood":1,"impact":1,"status":"accepted"}]}}`
	if err := os.WriteFile(file, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	// The CLI's clock says 2025-06-01: T-001's review is a day late.
	r := runCLI(t, "", "", "check", file, "--fail-on", "critical")
	if r.code != exitFail || !strings.Contains(r.stdout, `T-001 "Replay" was accepted until 2025-05-31`) || strings.Contains(r.stdout, "T-002") {
		t.Errorf("review overdue: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, "", "", "check", file, "--fail-on", "critical", "--require", "decisions", "--format", "sarif")
	for _, want := range []string{`"ruleId": "acceptance-review-overdue"`, `"ruleId": "decision-undocumented"`, `T-002 \"Old acceptance\" is treated accept with no record of a rationale and a decider`} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("sarif lacks %s:\n%s", want, r.stdout)
		}
	}
}
