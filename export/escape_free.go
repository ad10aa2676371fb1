package export

import (
	"slices"
	"strings"
	"sync"

	"github.com/threatdeck/threatdeck/model"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// Free sections (incident response, related documentation, references) are
// Markdown by design: lists, links, emphasis and code pass through. Three
// things are changed, because they reach beyond the section: raw HTML (a
// <script> in a report is an injection wherever it is rendered), headings
// of level 1 and 2 (they would stand beside the report's own sections; they
// become levels 3 and 4) and a fenced code block left open, which would
// swallow the rest of the report. All are found with a real parser rather
// than guessed at with patterns.

var freeParser = sync.OnceValue(func() parser.Parser {
	return goldmark.New(goldmark.WithExtensions(extension.GFM)).Parser()
})

// sentinel is appended while checking a section: if the section leaves a
// block open, the sentinel is not parsed as the top-level heading it is.
const sentinel = "\n\n# threatdeck-end-of-section\n"

// safeMarkdown returns s with raw HTML neutralised (every "<" of an HTML
// block or inline tag becomes "&lt;", so it reads as the text it is),
// headings of level 1 and 2 demoted to 3 and 4, and any fenced code block
// left open closed, so what follows s in the report is parsed as written.
// Code spans and fenced code keep their "<" untouched.
func safeMarkdown(s string) string {
	s = strings.TrimRight(model.CleanText(s), " \t\n")
	if s == "" {
		return s
	}
	for range 8 {
		src := []byte(s + sentinel)
		doc := freeParser().Parse(text.NewReader(src))
		if at := htmlPositions(doc, src, len(s)); len(at) > 0 {
			s = replaceLT(s, at)
			continue
		}
		if edits := demoteHeadings(doc, src, len(s)); len(edits) > 0 {
			s = applyEdits(s, edits)
			continue
		}
		if last, ok := doc.LastChild().(*ast.Heading); ok && last.Level == 1 && isSentinel(last, src) {
			return s
		}
		// Something swallowed the sentinel. Only a fenced code block can
		// (HTML blocks were neutralised above, and every other block ends at
		// a blank line followed by an unindented heading): close it with a
		// fence of its own character, at least as long as its opening.
		fence, ok := doc.LastChild().(*ast.FencedCodeBlock)
		if !ok {
			break
		}
		s += "\n" + closingFence(fence, src)
	}
	// Never reached for any input the tests and fuzzing found; if it were,
	// the section is emitted as escaped plain text rather than risk the report.
	return string(appendProse(nil, s))
}

func isSentinel(h *ast.Heading, src []byte) bool {
	lines := h.Lines()
	if lines.Len() != 1 {
		return false
	}
	seg := lines.At(0)
	return string(src[seg.Start:seg.Stop]) == "threatdeck-end-of-section"
}

// htmlPositions returns the offsets (below limit) of every "<" inside raw
// HTML, inline or block.
func htmlPositions(doc ast.Node, src []byte, limit int) []int {
	var at []int
	add := func(seg text.Segment) {
		for i := seg.Start; i < seg.Stop && i < limit; i++ {
			if src[i] == '<' {
				at = append(at, i)
			}
		}
	}
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.RawHTML:
			for i := range n.Segments.Len() {
				add(n.Segments.At(i))
			}
		case *ast.HTMLBlock:
			lines := n.Lines()
			for i := range lines.Len() {
				add(lines.At(i))
			}
			if n.HasClosure() {
				add(n.ClosureLine)
			}
		}
		return ast.WalkContinue, nil
	})
	return at
}

// replaceLT replaces the "<" at each offset (ascending or not) with "&lt;".
func replaceLT(s string, at []int) string {
	mark := make(map[int]bool, len(at))
	for _, i := range at {
		mark[i] = true
	}
	var b strings.Builder
	b.Grow(len(s) + 3*len(at))
	for i := 0; i < len(s); i++ {
		if mark[i] {
			b.WriteString("&lt;")
		} else {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}

// closingFence returns a line that closes the fenced code block f.
func closingFence(f *ast.FencedCodeBlock, src []byte) string {
	// The opening fence is the line before the first content line (there is
	// always one: the sentinel became content).
	first := f.Lines().At(0).Start
	open := first - 1
	if open > 0 {
		open = strings.LastIndexByte(string(src[:open]), '\n') + 1
	}
	line := strings.TrimLeft(string(src[open:max(open, first-1)]), " ")
	if line == "" {
		return "```"
	}
	c := line[0]
	n := len(line) - len(strings.TrimLeft(line, string(c)))
	return strings.Repeat(string(c), max(n, 3))
}

// mdEdit replaces s[start:end] with text.
type mdEdit struct {
	start, end int
	text       string
}

// demoteHeadings returns the edits that turn every heading of level 1 or 2
// (below limit, so not the sentinel) into level 3 or 4: ATX headings get
// two more "#"; setext headings become ATX and lose their underline.
func demoteHeadings(doc ast.Node, src []byte, limit int) []mdEdit {
	var edits []mdEdit
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		h, ok := n.(*ast.Heading)
		if !entering || !ok || h.Level > 2 || h.Pos() < 0 || h.Pos() >= limit {
			return ast.WalkContinue, nil
		}
		at := h.Pos()
		run := at
		for run < limit && src[run] == '#' {
			run++
		}
		if run > at && (run == len(src) || src[run] == ' ' || src[run] == '\t' || src[run] == '\n') {
			edits = append(edits, mdEdit{at, at, "##"}) // ATX: "# x" → "### x"
			return ast.WalkSkipChildren, nil
		}
		// Setext: the heading's text gets an ATX marker and the underline
		// below its last line is removed.
		edits = append(edits, mdEdit{at, at, strings.Repeat("#", h.Level+2) + " "})
		if lines := h.Lines(); lines.Len() > 0 {
			end := lines.At(lines.Len() - 1).Stop
			if nl := strings.IndexByte(string(src[end:limit]), '\n'); nl >= 0 {
				line := end + nl + 1
				stop := line + strings.IndexByte(string(src[line:])+"\n", '\n')
				if i := strings.IndexAny(string(src[line:stop]), "=-"); i >= 0 {
					edits = append(edits, mdEdit{line + i, min(stop, limit), ""})
				}
			}
		}
		return ast.WalkSkipChildren, nil
	})
	return edits
}

// applyEdits applies non-overlapping edits to s.
func applyEdits(s string, edits []mdEdit) string {
	slices.SortFunc(edits, func(a, b mdEdit) int { return b.start - a.start })
	for _, e := range edits {
		s = s[:e.start] + e.text + s[e.end:]
	}
	return s
}
