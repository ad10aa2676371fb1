package export

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/yuin/goldmark/ast"
)

func TestAppendInline(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"Rate limiting (100 req/min authenticated, 20 unauthenticated)", "Rate limiting (100 req/min authenticated, 20 unauthenticated)"},
		{"Authentication & Authorization", "Authentication & Authorization"},
		{"a | b", `a \| b`},
		{`C:\path`, `C:\\path`},
		{"<script>", "&lt;script&gt;"},
		{"&lt; &#60; R&D", "&amp;lt; &amp;#60; R&D"},
		{"# x", `\# x`},
		{"C#", `C\#`},
		{"- x", `\- x`},
		{"12. x", `12\. x`},
		{"3) x", `3\) x`},
		{"2FA", "2FA"},
		{"snake_case_name", "snake_case_name"},
		{"_em_", `\_em\_`},
		{"*a* `b` [c] ~d~ $e$", "\\*a\\* \\`b\\` \\[c\\] \\~d\\~ \\$e\\$"},
		{"one\n\n  two  \n", "one<br>two"},
		{"  padded  ", "padded"},
		{"\x1b[1mbold\x1b[0m", "bold"},
		{"", ""},
	} {
		if got := string(appendInline(nil, tc.in)); got != tc.want {
			t.Errorf("appendInline(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
}

// inlineProbe puts escaped text where the report puts user text: a table
// cell, a list item, a heading and bold text, followed by a sentinel cell.
func inlineProbe(s string) string {
	e := escapeInline(s)
	return "| A | B |\n| --- | --- |\n| " + e + " | end |\n\n- " + e + "\n\n### 1. " + e + "\n\n1. **" + e + "** - tail\n"
}

// checkInline asserts the probe of s parses as one table row of two cells,
// one list item, one heading and one ordered item, with no HTML, and (for
// text a linkifier leaves alone) reads back exactly as s.
func checkInline(t *testing.T, s string) {
	t.Helper()
	src := inlineProbe(s)
	d := parseMD([]byte(src))
	want := normalized(s)
	exact := !strings.Contains(want, "www.") && !strings.Contains(want, "://") && !strings.Contains(want, "@")
	if html := d.htmlNodes(); len(html) > 0 {
		t.Fatalf("%q: raw HTML %q in\n%s", s, html, src)
	}
	checkTables(t, d)
	tables := d.tables()
	if len(tables) != 1 || len(tables[0].rows) != 1 || tables[0].rows[0][1] != "end" {
		t.Fatalf("%q: table broken: %+v\n%s", s, tables, src)
	}
	if exact && tables[0].rows[0][0] != want {
		t.Fatalf("%q: cell reads %q, want %q\n%s", s, tables[0].rows[0][0], want, src)
	}
	var kinds []string
	for c := d.root.FirstChild(); c != nil; c = c.NextSibling() {
		kinds = append(kinds, c.Kind().String())
	}
	if !slices.Equal(kinds, []string{"Table", "List", "Heading", "List"}) {
		t.Fatalf("%q: blocks %v, want a table, a list, a heading and a list\n%s", s, kinds, src)
	}
	items := d.items()
	if len(items) != 2 {
		t.Fatalf("%q: %d list items, want 2\n%s", s, len(items), src)
	}
	heads := d.headings()
	if len(heads) != 1 {
		t.Fatalf("%q: headings %q\n%s", s, heads, src)
	}
	if exact {
		if items[0].text != want {
			t.Fatalf("%q: list item reads %q, want %q\n%s", s, items[0].text, want, src)
		}
		if heads[0] != "### 1. "+want && !(want == "" && heads[0] == "### 1.") {
			t.Fatalf("%q: heading reads %q, want %q\n%s", s, heads[0], "### 1. "+want, src)
		}
		if want != "" && items[1].text != want+" - tail" { // names are never empty; "****" is no test
			t.Fatalf("%q: bold item reads %q, want %q\n%s", s, items[1].text, want+" - tail", src)
		}
		var strong int
		_ = ast.Walk(d.root, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
			if e, ok := n.(*ast.Emphasis); ok && entering && e.Level == 2 {
				strong++
			}
			return ast.WalkContinue, nil
		})
		if want != "" && strong != 1 {
			t.Fatalf("%q: %d bold spans, want 1 (only ours)\n%s", s, strong, src)
		}
	}
}

func TestInlineEscapingHostile(t *testing.T) {
	for _, s := range hostile {
		checkInline(t, s)
	}
}

// FuzzInlineEscaping: no text, however hostile, changes the structure it
// is put into or reads back differently. The seed corpus runs in go test.
func FuzzInlineEscaping(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			s = strings.ToValidUTF8(s, "?")
		}
		if strings.Contains(s, "*") || strings.Contains(s, "_") {
			// Bold around text ending in escaped punctuation may legitimately
			// not form; structure is still checked below.
			src := inlineProbe(s)
			d := parseMD([]byte(src))
			if html := d.htmlNodes(); len(html) > 0 {
				t.Fatalf("%q: raw HTML %q", s, html)
			}
			checkTables(t, d)
			return
		}
		checkInline(t, s)
	})
}

// FuzzSafeMarkdown: after safeMarkdown, a free section contains no raw
// HTML and no heading above level 3, and the heading after it is parsed
// as a heading.
func FuzzSafeMarkdown(f *testing.F) {
	for _, s := range hostile {
		f.Add(s)
	}
	f.Add(strings.Join(hostile, "\n"))
	f.Add("```\nopen")
	f.Add("- item\n\n  ````js\n  code")
	f.Add("> ~~~\n> quoted fence")
	f.Add("Title\n=====\n\nSub\n---")
	f.Add("<pre>\n\nnot closed")
	f.Add("<!--\n\n## inside comment")
	f.Fuzz(func(t *testing.T, s string) {
		out := safeMarkdown(s)
		src := []byte(out + "\n\n## Next\n")
		d := parseMD(src)
		if html := d.htmlNodes(); len(html) > 0 {
			t.Fatalf("%q → %q: raw HTML %q", s, out, html)
		}
		heads := d.headings()
		if len(heads) == 0 || heads[len(heads)-1] != "## Next" {
			t.Fatalf("%q → %q: the following heading was swallowed; headings %q", s, out, heads)
		}
		for _, h := range heads[:len(heads)-1] {
			if strings.HasPrefix(h, "# ") || strings.HasPrefix(h, "## ") || h == "#" || h == "##" {
				t.Fatalf("%q → %q: heading %q not demoted", s, out, h)
			}
		}
	})
}
