package export

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// Output formats of `threatdeck check`.
const (
	CheckText  = "text"
	CheckJSON  = "json"
	CheckSARIF = "sarif"
)

// CheckFormats lists the check output formats.
var CheckFormats = []string{CheckText, CheckJSON, CheckSARIF}

// CheckSource is the file a checked model was read from, when it was:
// SARIF results then point at the line holding each finding's record.
type CheckSource struct {
	// Path is the file as given on the command line (a relative path
	// makes code-scanning tools show it against the repository).
	Path string
	Data []byte
}

// CheckReport is the JSON form of a check's outcome.
type CheckReport struct {
	Model    string         `json:"model"`
	Passed   bool           `json:"passed"`
	FailOn   model.RiskBand `json:"fail_on"`
	Require  []string       `json:"require"`
	Findings []CheckFinding `json:"findings"`
}

// CheckFinding is one finding in a CheckReport.
type CheckFinding struct {
	Rule    string         `json:"rule"`
	Section string         `json:"section"`
	Kind    string         `json:"kind,omitempty"`
	ID      string         `json:"id,omitempty"`
	Where   string         `json:"where"`
	Message string         `json:"message"`
	Band    model.RiskBand `json:"band,omitempty"`
}

// WriteCheck writes a check's outcome in format (text, json or sarif).
// version is threatdeck's version, named in SARIF output.
func WriteCheck(w io.Writer, m *model.Model, opts model.CheckOptions, findings []model.Finding, format string, src CheckSource, version string) error {
	if opts.FailOn == "" {
		opts.FailOn = model.RiskHigh
	}
	switch format {
	case CheckText, "":
		return writeCheckText(w, m, opts, findings)
	case CheckJSON:
		report := CheckReport{Model: m.Overview.Title, Passed: len(findings) == 0, FailOn: opts.FailOn, Require: opts.Require, Findings: []CheckFinding{}}
		if report.Require == nil {
			report.Require = []string{}
		}
		for _, f := range findings {
			report.Findings = append(report.Findings, CheckFinding{Rule: f.Rule, Section: f.Section.String(), Kind: string(f.Kind), ID: f.ID, Where: f.Where(), Message: f.Message, Band: f.Band})
		}
		enc := json.NewEncoder(w)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(report)
	case CheckSARIF:
		data, err := SARIF(m, findings, src, version)
		if err != nil {
			return err
		}
		_, err = w.Write(data)
		return err
	}
	return fmt.Errorf("unknown check format %q: use %s", format, strings.Join(CheckFormats, ", "))
}

// writeCheckText lists each failing item with where to fix it, grouped
// the way a reader fixes them: by step, in walk order.
func writeCheckText(w io.Writer, m *model.Model, opts model.CheckOptions, findings []model.Finding) error {
	bar := "open threats at " + string(opts.FailOn) + " risk or above"
	if len(opts.Require) > 0 {
		bar += "; required: " + strings.Join(opts.Require, ", ")
	}
	title := model.CleanLine(m.Overview.Title)
	var b strings.Builder
	if len(findings) == 0 {
		fmt.Fprintf(&b, "PASS %q meets the bar (%s).\n", title, bar)
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "FAIL %q: %s (%s).\n", title, plural(len(findings), "finding", "findings"), bar)
	width, rule := 0, 0
	for _, f := range findings {
		width = max(width, len([]rune(f.Where())))
		rule = max(rule, len(f.Rule))
	}
	section := model.Section(-1)
	for _, f := range findings {
		if f.Section != section {
			section = f.Section
			fmt.Fprintf(&b, "\n%s\n", section)
		}
		where := f.Where()
		fmt.Fprintf(&b, "  %s%s  %-*s  %s\n", where, strings.Repeat(" ", width-len([]rune(where))), rule, f.Rule, model.CleanLine(f.Message))
	}
	b.WriteString("\nFix each item at the step and record shown (open the model with `threatdeck`), then export the model again.\n")
	_, err := io.WriteString(w, b.String())
	return err
}
