package export

import (
	"strings"
	"testing"

	"github.com/yuin/goldmark/ast"

	"github.com/threatdeck/threatdeck/model"
)

// links returns each link's destination → text in a parsed document.
func (d mdDoc) links() map[string]string {
	out := map[string]string{}
	ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if l, ok := n.(*ast.Link); ok && entering {
			out[string(l.Destination)] = d.plain(l)
		}
		return ast.WalkContinue, nil
	})
	return out
}

func TestMarkdownActionItemsAndDismissed(t *testing.T) {
	m := decidedModel(t)
	th := m.Threats[0]
	th.Mitigations = append(th.Mitigations,
		model.Mitigation{Description: "Breached-password check", Owner: "Bo", Due: "2024-01-20", Ticket: "https://github.com/acme/api/issues/42"},
		model.Mitigation{Description: "Undated work", Owner: "Bo"},
		model.Mitigation{Description: "Earlier work", Owner: "Bo", Due: "2024-01-18"},
		model.Mitigation{Description: "Login | anomaly <alerts>", Owner: "Ana", Status: model.MitigationInProgress, Ticket: "https://jira.example.com/browse/SEC-(7)"},
		model.Mitigation{Description: "Done already", Owner: "Ana", Status: model.MitigationVerified})
	if _, err := m.PutThreat(th, model.ExampleDate); err != nil {
		t.Fatal(err)
	}
	// A ticket that never went through validation (a damaged file) is
	// text, never a link.
	m.Threats[1].Mitigations[0].Ticket, m.Threats[1].Mitigations[0].Owner = "javascript:alert(1)", "Eve"
	m.Threats[1].Mitigations[0].Status = model.MitigationPlanned

	out := Markdown(m)
	d := parseMD(out)
	checkTables(t, d)
	if html := d.htmlNodes(); len(html) > 0 {
		t.Errorf("user text became HTML: %q", html)
	}
	links := d.links()
	if links["https://github.com/acme/api/issues/42"] != "42" || links["https://jira.example.com/browse/SEC-(7)"] != "SEC-(7)" {
		t.Errorf("ticket links: %v", links)
	}
	for dest := range links {
		if strings.HasPrefix(dest, "javascript") {
			t.Error("an invalid ticket became a link")
		}
	}
	heads := strings.Join(d.headings(), "\n")
	// Owners in order, unassigned work last.
	if !strings.Contains(heads, "## Action Items\n### Ana\n### Bo\n### Eve\n### Unassigned\n## Risk Decisions") {
		t.Errorf("action item owners:\n%s", heads)
	}
	var bo *mdTable
	tables := d.tables()
	for i := range tables {
		if tables[i].section == "Action Items" && len(tables[i].rows) > 0 && strings.Contains(tables[i].rows[0][1], "Breached") {
			bo = &tables[i]
		}
	}
	if bo != nil {
		t.Fatalf("Bo's soonest work is not first: %+v", bo)
	}
	for i := range tables {
		if tables[i].section == "Action Items" && len(tables[i].rows) > 1 && strings.Contains(tables[i].rows[1][1], "Breached") {
			bo = &tables[i]
		}
	}
	if bo == nil || bo.rows[0][0] != "2024-01-18" || bo.rows[1][0] != "2024-01-20" || bo.rows[1][2] != "T-001 Credential stuffing attacks" {
		t.Fatalf("Bo's table: %+v", bo)
	}
	if got := bo.rows[len(bo.rows)-1][0]; got != "—" {
		t.Errorf("undated work is not last: %q", got)
	}
	if strings.Contains(string(out), "Done already") && strings.Contains(heads, "Done already") {
		t.Error("a verified mitigation is an action item")
	}
	decisions := tableIn(tables, "Risk Decisions")
	if decisions == nil || len(decisions.rows) != 3 {
		t.Fatalf("risk decisions: %+v", decisions)
	}
	if r := decisions.rows[0]; r[0] != "T-003 JWT token theft or manipulation" || r[1] != "Transfer" || r[2] != "Covered by the payment provider's contract\n(clause 7)." || r[3] != "CFO" || r[5] != "2024-06-30" {
		t.Errorf("transfer row: %q", r)
	}
	dismissed := tableIn(tables, "Appendix: Considered and Dismissed")
	if dismissed == nil || len(dismissed.rows) != 2 {
		t.Fatalf("dismissed appendix: %+v", dismissed)
	}
	if r := dismissed.rows[0]; r[0] != "TDL-S-001" || r[2] != "SSO only: no passwords" || r[3] != "2024-01-15" || r[1] == "—" {
		t.Errorf("dismissed row: %q", r)
	}
	if r := dismissed.rows[1]; r[2] != "no reason given" {
		t.Errorf("dismissed without reason: %q", r)
	}
}
