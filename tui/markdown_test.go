package tui

import (
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

func plainMD() mdStyles {
	return newMDStyles(NewStyles(NewTheme(ThemeOptions{NoColor: true}), true), true)
}

func colourMD() mdStyles {
	return newMDStyles(NewStyles(NewTheme(ThemeOptions{Dark: true}), false), false)
}

// In plain mode (NO_COLOR, accessible) the preview keeps Markdown's marks,
// so each construct is recognisable as text.
func TestRenderMarkdownPlain(t *testing.T) {
	for _, tc := range []struct {
		name, md string
		want     []string // lines, in order, each present
	}{
		{"headings", "# Title\n\n## Section\n\n#### Small", []string{"# Title", "", "## Section", "", "#### Small"}},
		{"emphasis and code", "**Owner:** Ana _(draft)_ `x` ~~old~~", []string{"**Owner:** Ana _(draft)_ `x` ~~old~~"}},
		{"hard breaks and <br>", "one  \ntwo<br>three", []string{"one", "two", "three"}},
		{"escapes and entities", `a \*not bold\* &lt;script&gt; R&amp;D`, []string{"a *not bold* <script> R&D"}},
		{"unordered list", "- one\n- two", []string{"- one", "- two"}},
		{"ordered list from 3", "3. three\n4. four", []string{"3. three", "4. four"}},
		{"task list", "- [x] done\n- [ ] todo", []string{"[x] done", "[ ] todo"}},
		{"nested list", "- outer\n  - inner", []string{"- outer", "  - inner"}},
		{"rule", "a\n\n---\n\nb", []string{"a", "", strings.Repeat("-", 40), "", "b"}},
		{"link", "[OWASP](https://owasp.org) and [here](#scope)", []string{"OWASP (https://owasp.org) and here"}},
		{"code block", "```\nrm -rf /\n```", []string{"    rm -rf /"}},
		{"quote", "> careful", []string{"> careful"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := strings.Split(renderMarkdown([]byte(tc.md), 40, plainMD()), "\n")
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
		})
	}
}

func TestRenderMarkdownTable(t *testing.T) {
	md := "| ID | Element | Description |\n| --- | --- | --- |\n| SE-001 | API | Public REST API behind the gateway, authenticated with OAuth |\n| SE-002 | DB \\| replica | Primary |"
	for _, st := range []mdStyles{plainMD(), colourMD()} {
		out := renderMarkdown([]byte(md), 40, st)
		plain := ansi.Strip(out)
		for _, want := range []string{"ID", "Element", "SE-001", "SE-002", "DB |", "replica", "Primary", "authenticated"} {
			if !strings.Contains(plain, want) {
				t.Errorf("plain=%v: table lacks %q:\n%s", st.plain, want, plain)
			}
		}
		if !st.plain {
			// The escaped pipe is text: every line keeps three columns.
			for _, l := range strings.Split(plain, "\n") {
				if n := strings.Count(l, "│"); n != 0 && n != 4 {
					t.Errorf("line %q has %d column rules, want 4", l, n)
				}
			}
		}
		for i, l := range strings.Split(out, "\n") {
			if w := ansi.StringWidth(l); w > 40 {
				t.Errorf("plain=%v: line %d is %d columns: %q", st.plain, i, w, l)
			}
		}
	}
}

// The whole example report fits every width, in colour and plain, and
// every threat and asset is in it.
func TestRenderMarkdownReportFitsAndIsComplete(t *testing.T) {
	m := model.Example(time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC))
	md := export.Markdown(m)
	for _, st := range []mdStyles{plainMD(), colourMD()} {
		for _, width := range []int{20, 41, 80, 120} {
			out := renderMarkdown(md, width, st)
			for i, l := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(l); w > width {
					t.Fatalf("plain=%v width %d: line %d is %d columns: %q", st.plain, width, i, w, ansi.Strip(l))
				}
			}
			if width < 80 {
				continue // narrow tables break words: look for names only where they fit
			}
			flat := strings.Join(strings.Fields(ansi.Strip(out)), " ")
			for _, th := range m.Threats {
				if !strings.Contains(flat, th.ID+" "+th.Title) {
					t.Errorf("plain=%v width %d: %s %q is missing", st.plain, width, th.ID, th.Title)
				}
			}
			for _, a := range m.Assets {
				if !strings.Contains(flat, a.Name) {
					t.Errorf("plain=%v width %d: asset %q is missing", st.plain, width, a.Name)
				}
			}
		}
	}
}

// User text cannot reach the terminal as escape sequences through the
// preview: the plain preview of a hostile model has no escape at all, and
// its Markdown-breaking characters read back as typed.
func TestRenderMarkdownHostileText(t *testing.T) {
	m, _ := model.New("Evil\x1b]52;c;aGk=\x07 | # *title*", "Ana", time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC))
	m.Assets = []model.Asset{{ID: "AS-001", Name: "<b>db</b> | `x`", Description: "line\x1b[2J one\nline two"}}
	md := export.Markdown(m)
	out := renderMarkdown(md, 80, plainMD())
	if strings.ContainsRune(out, '\x1b') || strings.ContainsRune(out, '\a') {
		t.Errorf("escape in the plain preview: %q", out)
	}
	flat := strings.Join(strings.Fields(out), " ")
	for _, want := range []string{"<b>db</b> | `x`", "| # *title*"} {
		if !strings.Contains(flat, want) {
			t.Errorf("preview lacks %q as typed:\n%s", want, out)
		}
	}
	colour := renderMarkdown(md, 80, colourMD())
	if strings.Contains(colour, "\x1b]") || strings.Contains(colour, "\x1b[2J") {
		t.Errorf("user escape reached the coloured preview: %q", colour)
	}
}

// BenchmarkRenderPreview draws the report of a 10,000-threat model (6 MB
// of Markdown) for a 118-column pane, as the Review step does off the UI
// goroutine.
func BenchmarkRenderPreview(b *testing.B) {
	md := export.Markdown(bigModel(b))
	st := colourMD()
	b.SetBytes(int64(len(md)))
	for b.Loop() {
		renderMarkdown(md, 118, st)
	}
}

// FuzzRenderMarkdown: any Markdown draws without a panic, within the
// width, in colour and plain, and in bounded time (a hang is reported
// with its input rather than stalling the fuzzer).
func FuzzRenderMarkdown(f *testing.F) {
	f.Add([]byte("# T\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n- [x] done\n  1. nested\n\n> q `c` **b** _e_ ~~s~~ <br> &lt;"), 30)
	f.Add([]byte("```go\nx\n```\n---\n[l](u) <http://x>"), 20)
	f.Fuzz(func(t *testing.T, md []byte, width int) {
		width = 20 + abs(width)%200
		for _, st := range []mdStyles{plainMD(), colourMD()} {
			ch := make(chan string, 1)
			go func() { ch <- renderMarkdown(md, width, st) }()
			var out string
			select {
			case out = <-ch:
			case <-time.After(2 * time.Second):
				t.Fatalf("HANG width %d plain=%v: %q", width, st.plain, md)
			}
			for i, l := range strings.Split(out, "\n") {
				if w := ansi.StringWidth(l); w > width {
					t.Fatalf("plain=%v: line %d is %d columns, over %d: %q", st.plain, i, w, width, l)
				}
			}
		}
	})
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}
