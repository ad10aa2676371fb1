package tui

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	east "github.com/yuin/goldmark/extension/ast"
	"github.com/yuin/goldmark/text"

	"github.com/threatdeck/threatdeck/model"
)

// TestE2EStrideOWASPExport carries a model through the analysis steps in
// the real binary: accept a STRIDE suggestion, assess OWASP items, export
// the report, then reads the file back with a real Markdown parser.
func TestE2EStrideOWASPExport(t *testing.T) {
	e := newE2E(t)
	report := filepath.Join(t.TempDir(), "shop report.md")
	e.start()
	e.waitFor("Welcome to threatdeck", "New threat model")
	e.press("Enter")
	e.waitFor("Title *")
	e.typeText("E2E shop")
	e.press("Enter")
	e.waitFor("Opened E2E shop")
	e.addRecord("2", "Card data", "AS-001")
	e.addRecord("4", "Public API", "SE-001")

	// STRIDE: accept the first spoofing suggestion; the threat form opens
	// on it, esc keeps it as suggested.
	e.press("5")
	e.waitFor("Spoofing protects Authenticity", "Suggested threats (")
	e.press("Enter")
	e.waitFor("Accepted as T-001")
	e.waitFor("Accepted T-001")
	// Wait for esc to land before the next key, or the terminal reads the
	// pair as alt+key.
	e.press("Escape")
	e.waitFor("Spoofing protects Authenticity")

	// OWASP: A01 done, A02 partial.
	e.press("7")
	e.waitFor("0/10 assessed")
	e.press("Space")
	e.waitFor("1/10 assessed")
	e.press("j", "Space", "Space")
	e.waitFor("2/10 assessed", "[~] Partial")

	// Review: export to a path with a space in it.
	e.press("9")
	e.waitFor("Still missing")
	e.press("x")
	e.waitFor("Export the report")
	e.press("C-u")
	e.typeText(report)
	e.press("Enter")
	e.waitFor("Exported the report to")
	e.quit()

	m := e.stored()
	if len(m.Threats) != 1 {
		t.Fatalf("threats %+v", m.Threats)
	}
	th := m.Threats[0]
	if th.ID != "T-001" || th.LibraryID == "" || th.Category != model.Spoofing || !slices.Equal(th.Surface, []string{"SE-001"}) || len(th.Mitigations) == 0 {
		t.Fatalf("accepted threat %+v", th)
	}
	for _, mt := range th.Mitigations {
		if mt.Status != model.MitigationPlanned {
			t.Fatalf("mitigation %+v not planned", mt)
		}
	}

	src, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	if info, _ := os.Stat(report); info.Mode().Perm() != 0o600 {
		t.Errorf("report mode %v, want 0600", info.Mode().Perm())
	}
	doc := parseReport(src)
	if !slices.Contains(doc.headings, "# E2E shop") {
		t.Errorf("no title heading in %q", doc.headings)
	}
	register := doc.tables["Threat Register"]
	if row := tableRow(register, "T-001"); row == nil || row[1] != th.Title {
		t.Errorf("threat register %q lacks T-001 %q", register, th.Title)
	}
	owasp := doc.tables["OWASP Top 10 (2025) Coverage"]
	for id, state := range map[string]string{"A01:2025": "Done", "A02:2025": "Partial", "A03:2025": "Not assessed"} {
		if row := tableRow(owasp, id); row == nil || row[2] != state {
			t.Errorf("OWASP row %s = %q, want state %q", id, row, state)
		}
	}
}

// mdReport is what a reader of the exported Markdown sees: its headings
// and, per "## " section, the rows of its first table as cell text.
type mdReport struct {
	headings []string
	tables   map[string][][]string
}

// parseReport reads Markdown with goldmark and its GFM tables, as GitHub
// renders it.
func parseReport(src []byte) mdReport {
	md := goldmark.New(goldmark.WithExtensions(extension.GFM))
	root := md.Parser().Parse(text.NewReader(src))
	out := mdReport{tables: map[string][][]string{}}
	section := ""
	for n := root.FirstChild(); n != nil; n = n.NextSibling() {
		switch n := n.(type) {
		case *ast.Heading:
			title := mdText(n, src)
			out.headings = append(out.headings, strings.Repeat("#", n.Level)+" "+title)
			if n.Level == 2 {
				section = title
			}
		case *east.Table:
			if _, seen := out.tables[section]; seen {
				continue
			}
			var rows [][]string
			for r := n.FirstChild(); r != nil; r = r.NextSibling() {
				var cells []string
				for c := r.FirstChild(); c != nil; c = c.NextSibling() {
					cells = append(cells, strings.TrimSpace(mdText(c, src)))
				}
				rows = append(rows, cells)
			}
			out.tables[section] = rows
		}
	}
	return out
}

// mdText is the plain text of a node (escapes resolved by the parser's
// segments are kept as written: the cells checked here have none).
func mdText(n ast.Node, src []byte) string {
	var b strings.Builder
	_ = ast.Walk(n, func(c ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch c := c.(type) {
		case *ast.Text:
			b.Write(c.Segment.Value(src))
		case *ast.String:
			b.Write(c.Value)
		}
		return ast.WalkContinue, nil
	})
	return b.String()
}

// tableRow returns the row whose first cell is id.
func tableRow(rows [][]string, id string) []string {
	for _, r := range rows {
		if len(r) > 0 && r[0] == id {
			return r
		}
	}
	return nil
}
