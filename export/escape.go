package export

import (
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// User text in the report (names, descriptions, notes) is plain text, not
// Markdown: it is escaped so that it reads back exactly as typed and can
// never break a table, start a heading, list, quote or code block, or
// inject HTML. The escaping is deliberately minimal so the raw Markdown
// stays readable in a diff: only characters that could change the
// structure are touched.

// needs marks (with 1) bytes that always send a string down the slow path.
// Bytes rather than bools, so that plainInline can or eight of them.
var needs = func() (t [256]byte) {
	for _, c := range []byte("\\`*_[]~|<>&$#\n") {
		t[c] = 1
	}
	for c := range 0x20 {
		t[c] = 1 // controls (tab included: it is trimmed at line edges)
	}
	t[0x7f] = 1
	for c := 0x80; c < 0x100; c++ {
		t[c] = 1 // non-ASCII: checked for C1 and bidi controls
	}
	return t
}()

// appendInline appends s escaped for one line of Markdown: a table cell, a
// list item, a heading or an emphasised span. Lines are trimmed, empty
// lines dropped and the rest joined with <br>, so the text never leaves the
// line it starts on.
func appendInline(dst []byte, s string) []byte {
	if plainInline(s) {
		return append(dst, s...)
	}
	s = model.CleanText(s)
	first := true
	for {
		line, rest, more := strings.Cut(s, "\n")
		// Unicode white space too: bold or italics around text that
		// starts or ends with it would not form.
		if line = strings.TrimSpace(line); line != "" {
			if !first {
				dst = append(dst, "<br>"...)
			}
			dst = appendEscapedLine(dst, line)
			first = false
		}
		if !more {
			return dst
		}
		s = rest
	}
}

// plainInline is the fast path: nothing to escape, no edge to trim, and no
// character that could open a block at the start of a line.
func plainInline(s string) bool {
	if s == "" {
		return true
	}
	if c := s[0]; c == ' ' || c == '-' || c == '+' || c == '=' || (c >= '0' && c <= '9') {
		return false
	}
	if s[len(s)-1] == ' ' {
		return false
	}
	// Eight bytes a test: a report's text is nearly all plain, and the
	// byte loop's branch per byte was most of escaping it.
	for len(s) >= 8 {
		if needs[s[0]]|needs[s[1]]|needs[s[2]]|needs[s[3]]|
			needs[s[4]]|needs[s[5]]|needs[s[6]]|needs[s[7]] != 0 {
			return false
		}
		s = s[8:]
	}
	for i := 0; i < len(s); i++ {
		if needs[s[i]] != 0 {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// inlineSyntax marks the bytes appendEscapedLine may change after a line's
// first: every case of its switch but those that matter only at the start
// ('-', '+', '=' and digits).
var inlineSyntax = func() (t [256]bool) {
	for _, c := range []byte("\\`*[]~|$_<>&#") {
		t[c] = true
	}
	return t
}()

// appendEscapedLine escapes one trimmed, clean line. The line may stand at
// the start of a Markdown line, so characters that open a block there (#,
// -, +, =, "1." and "1)") are escaped at its start; everywhere else only
// inline syntax is.
func appendEscapedLine(dst []byte, line string) []byte {
	n := len(line)
	for i := 0; i < n; i++ {
		if i > 0 {
			// Past the start only inlineSyntax bytes are looked at: the
			// run before the next one is copied in one step.
			j := i
			for j < n && !inlineSyntax[line[j]] {
				j++
			}
			dst = append(dst, line[i:j]...)
			if i = j; i == n {
				break
			}
		}
		c := line[i]
		switch c {
		case '\\', '`', '*', '[', ']', '~', '|', '$':
			// Backslash-escaping any ASCII punctuation is valid CommonMark and
			// reads back as the character itself. $ is escaped for renderers
			// with math support (GitHub); | also inside code-less cells.
			dst = append(dst, '\\', c)
		case '_':
			// An underscore inside a word never opens emphasis; escaping it
			// there would only make snake_case identifiers ugly.
			if i > 0 && i+1 < n && isAlnum(line[i-1]) && isAlnum(line[i+1]) {
				dst = append(dst, c)
			} else {
				dst = append(dst, '\\', c)
			}
		case '<':
			dst = append(dst, "&lt;"...)
		case '>':
			dst = append(dst, "&gt;"...)
		case '&':
			// Only an ampersand that would read as a character reference
			// ("&lt;", "&#60;") is escaped; "R&D" and "A & B" stay as typed.
			j := i + 1
			for j < n && (isAlnum(line[j]) || line[j] == '#') {
				j++
			}
			if j > i+1 && j < n && line[j] == ';' {
				dst = append(dst, "&amp;"...)
			} else {
				dst = append(dst, c)
			}
		case '#':
			// At the start it would open a heading; at the end of a heading it
			// would be taken for the closing sequence.
			if i == 0 || i == n-1 {
				dst = append(dst, '\\', c)
			} else {
				dst = append(dst, c)
			}
		case '-', '+', '=':
			if i == 0 {
				dst = append(dst, '\\')
			}
			dst = append(dst, c)
		default:
			if i == 0 && c >= '0' && c <= '9' {
				// "1." or "1)" would start an ordered list.
				j := i
				for j < n && line[j] >= '0' && line[j] <= '9' {
					j++
				}
				if j < n && (line[j] == '.' || line[j] == ')') {
					dst = append(dst, line[i:j]...)
					dst = append(dst, '\\', line[j])
					i = j
					continue
				}
			}
			dst = append(dst, c)
		}
	}
	return dst
}

// appendProse appends multi-paragraph plain text (summary, scope) as
// Markdown paragraphs: blank lines separate paragraphs, and single line
// breaks are kept as hard breaks. Every line is escaped as if it started a
// Markdown line, because it does.
func appendProse(dst []byte, s string) []byte {
	s = model.CleanText(s)
	para := false // inside a paragraph
	for {
		line, rest, more := strings.Cut(s, "\n")
		line = strings.TrimSpace(line)
		switch {
		case line == "":
			if para {
				dst = append(dst, "\n\n"...)
				para = false
			}
		default:
			if para {
				dst = append(dst, "\\\n"...)
			}
			dst = appendEscapedLine(dst, line)
			para = true
		}
		if !more {
			break
		}
		s = rest
	}
	if para {
		dst = append(dst, "\n\n"...)
	}
	return dst
}

// escapeInline is appendInline for callers that want a string.
func escapeInline(s string) string {
	if plainInline(s) {
		return s
	}
	return string(appendInline(nil, s))
}
