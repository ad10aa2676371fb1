package export_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// checkFixture is the example model checked from its committed JSON
// export, as the CI job does.
func checkFixture(t *testing.T) (*model.Model, []byte) {
	t.Helper()
	js, err := export.JSON(model.Example(interopNow))
	if err != nil {
		t.Fatal(err)
	}
	m, err := export.Import(js, "threat-model.json")
	if err != nil {
		t.Fatal(err)
	}
	return m, js
}

func TestWriteCheckFormats(t *testing.T) {
	m, js := checkFixture(t)
	opts := model.CheckOptions{FailOn: model.RiskMedium, Require: []string{model.RequireStride, model.RequireMitigations}}
	findings := model.Check(m, opts)
	if len(findings) == 0 {
		t.Fatal("fixture passes; the test needs findings")
	}
	src := export.CheckSource{Path: "docs/threat-model.json", Data: js}

	tests := []struct {
		format string
		check  func(t *testing.T, out []byte)
	}{
		{export.CheckText, func(t *testing.T, out []byte) {
			text := string(out)
			if !strings.HasPrefix(text, fmt.Sprintf("FAIL %q: %d findings", m.Overview.Title, len(findings))) {
				t.Errorf("text starts %q", firstLineOf(text))
			}
			for _, f := range findings {
				if !strings.Contains(text, f.Where()) || !strings.Contains(text, f.Rule) {
					t.Errorf("text does not list %s at %s", f.Rule, f.Where())
				}
			}
		}},
		{export.CheckJSON, func(t *testing.T, out []byte) {
			var r export.CheckReport
			if err := json.Unmarshal(out, &r); err != nil {
				t.Fatal(err)
			}
			if r.Passed || r.FailOn != model.RiskMedium || len(r.Findings) != len(findings) || r.Findings[0].Where != findings[0].Where() {
				t.Errorf("report %+v", r)
			}
		}},
		{export.CheckSARIF, func(t *testing.T, out []byte) { checkSARIF(t, out, findings, js) }},
	}
	for _, tc := range tests {
		t.Run(tc.format, func(t *testing.T) {
			var buf bytes.Buffer
			if err := export.WriteCheck(&buf, m, opts, findings, tc.format, src, "1.2.3"); err != nil {
				t.Fatal(err)
			}
			tc.check(t, buf.Bytes())
		})
	}
	var buf bytes.Buffer
	if err := export.WriteCheck(&buf, m, opts, findings, "xml", src, ""); err == nil {
		t.Error("unknown format accepted")
	}
}

// checkSARIF checks the SARIF 2.1.0 fields code-scanning tools rely on:
// version and schema, the tool and its rules, one result per finding with
// a known ruleId, a message, a location at the line of the record in the
// checked file, and a stable fingerprint.
func checkSARIF(t *testing.T, out []byte, findings []model.Finding, src []byte) {
	t.Helper()
	var log struct {
		Schema  string `json:"$schema"`
		Version string `json:"version"`
		Runs    []struct {
			Tool struct {
				Driver struct {
					Name    string `json:"name"`
					Version string `json:"version"`
					Rules   []struct {
						ID               string `json:"id"`
						ShortDescription struct{ Text string }
					} `json:"rules"`
				} `json:"driver"`
			} `json:"tool"`
			Results []struct {
				RuleID    string `json:"ruleId"`
				RuleIndex int    `json:"ruleIndex"`
				Level     string `json:"level"`
				Message   struct{ Text string }
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine int }
					}
					LogicalLocations []struct{ FullyQualifiedName string }
				}
				PartialFingerprints map[string]string
			} `json:"results"`
		} `json:"runs"`
	}
	if err := json.Unmarshal(out, &log); err != nil {
		t.Fatal(err)
	}
	if log.Version != "2.1.0" || !strings.Contains(log.Schema, "sarif-2.1.0") || len(log.Runs) != 1 {
		t.Fatalf("not a SARIF 2.1.0 log with one run: %s %s %d", log.Version, log.Schema, len(log.Runs))
	}
	run := log.Runs[0]
	if run.Tool.Driver.Name != "threatdeck" || run.Tool.Driver.Version != "1.2.3" {
		t.Errorf("driver %+v", run.Tool.Driver)
	}
	if len(run.Results) != len(findings) {
		t.Fatalf("%d results for %d findings", len(run.Results), len(findings))
	}
	lines := strings.Split(string(src), "\n")
	seen := map[string]bool{}
	for i, r := range run.Results {
		f := findings[i]
		if r.RuleID != f.Rule || r.RuleIndex >= len(run.Tool.Driver.Rules) || run.Tool.Driver.Rules[r.RuleIndex].ID != r.RuleID {
			t.Errorf("result %d rule %s index %d", i, r.RuleID, r.RuleIndex)
		}
		if r.Level != "error" || !strings.Contains(r.Message.Text, f.ID) {
			t.Errorf("result %d level %s message %q", i, r.Level, r.Message.Text)
		}
		loc := r.Locations[0]
		if loc.PhysicalLocation.ArtifactLocation.URI != "docs/threat-model.json" {
			t.Errorf("uri %q", loc.PhysicalLocation.ArtifactLocation.URI)
		}
		// The region's line holds the record's id in the checked file.
		line := loc.PhysicalLocation.Region.StartLine
		if line < 1 || line > len(lines) || !strings.Contains(lines[line-1], `"`+f.ID+`"`) {
			t.Errorf("%s points at line %d, which does not hold it", f.ID, line)
		}
		if !strings.HasSuffix(loc.LogicalLocations[0].FullyQualifiedName, "/"+f.ID) {
			t.Errorf("logical location %q", loc.LogicalLocations[0].FullyQualifiedName)
		}
		fp := r.PartialFingerprints["threatdeckFinding/v1"]
		if fp == "" || seen[fp] {
			t.Errorf("fingerprint %q missing or repeated", fp)
		}
		seen[fp] = true
	}
}

func TestWriteCheckPass(t *testing.T) {
	m, err := model.New("Clean", "", interopNow)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := export.WriteCheck(&buf, m, model.CheckOptions{}, nil, export.CheckText, export.CheckSource{}, ""); err != nil {
		t.Fatal(err)
	}
	if got := buf.String(); got != "PASS \"Clean\" meets the bar (open threats at high risk or above).\n" {
		t.Errorf("%q", got)
	}
	buf.Reset()
	if err := export.WriteCheck(&buf, m, model.CheckOptions{}, nil, export.CheckSARIF, export.CheckSource{}, ""); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `"results": []`) {
		t.Errorf("a passing SARIF log has an empty results list:\n%s", buf.String())
	}
}

func firstLineOf(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}
