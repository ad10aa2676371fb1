package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
)

// The CI gate through the command line: exit codes, what each format
// prints, and checking a committed export without a workbook.
func TestCheckCommand(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "example").ok(t)

	// The example has open high-risk threats: the default bar fails them.
	r := runCLI(t, db, "", "check", "1")
	if r.code != exitFail || !strings.Contains(r.stdout, "FAIL") || !strings.Contains(r.stdout, "T-001") {
		t.Errorf("default bar: exit %d\n%s", r.code, r.stdout)
	}
	if !strings.HasPrefix(r.stderr, "threatdeck: check failed") {
		t.Errorf("stderr %q", r.stderr)
	}

	// None is critical, and every STRIDE category and OWASP item is done.
	if r := runCLI(t, db, "", "check", "threat model", "--fail-on", "critical", "--require", "stride,owasp").ok(t); !strings.Contains(r.stdout, "PASS") {
		t.Errorf("critical bar: %s", r.stdout)
	}

	var doc struct {
		Version string `json:"version"`
		Runs    []struct {
			Results []struct {
				RuleID string `json:"ruleId"`
			} `json:"results"`
		} `json:"runs"`
	}
	r = runCLI(t, db, "", "check", "1", "--format", "sarif")
	if err := json.Unmarshal([]byte(r.stdout), &doc); err != nil || r.code != exitFail {
		t.Fatalf("sarif: exit %d, %v\n%s", r.code, err, r.stdout)
	}
	if doc.Version != "2.1.0" || len(doc.Runs) != 1 || len(doc.Runs[0].Results) == 0 || doc.Runs[0].Results[0].RuleID != "open-risk" {
		t.Errorf("sarif document %+v", doc)
	}
	if r := runCLI(t, db, "", "check", "1", "--format", "json"); r.code != exitFail || !json.Valid([]byte(r.stdout)) {
		t.Errorf("json: exit %d\n%s", r.code, r.stdout)
	}

	// A committed export is checked without any workbook.
	file := filepath.Join(t.TempDir(), "model.json")
	runCLI(t, db, "", "export", "1", "--format", "json", "-o", file).ok(t)
	runCLI(t, filepath.Join(t.TempDir(), "none", "wb.db"), "", "check", file, "--fail-on", "critical").ok(t)

	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"check"}, "check"},
		{[]string{"check", "1", "--fail-on", "severe"}, `unknown --fail-on "severe"`},
		{[]string{"check", "1", "--require", "everything"}, `unknown requirement "everything"`},
		{[]string{"check", "1", "--format", "xml"}, `unknown check format "xml"`},
	} {
		runCLI(t, db, "", tt.args...).failed(t, exitUsage, tt.want)
	}
	runCLI(t, db, "", "check", "no such model").failed(t, exitFail, "no such model")
}

// A missing model file says it is missing, not that the workbook has no
// such model: in CI the workbook is not there at all.
func TestCheckMissingFile(t *testing.T) {
	db := tempDB(t)
	for _, ref := range []string{"missing.json", "docs/threat-model.json", "model.otm.yaml"} {
		runCLI(t, db, "", "check", ref).failed(t, exitFail, "cannot read "+ref+": no such file")
	}
	runCLI(t, db, "", "check", "Payments API").failed(t, exitFail)
}
