package model

import (
	"strings"
	"unicode/utf8"

	"github.com/charmbracelet/x/ansi"
)

// Length limits for text entering a model.
const (
	// MaxTitle bounds one-line fields (titles, names), in characters.
	MaxTitle = 200
	// MaxText bounds multi-line fields (descriptions, notes), in bytes.
	MaxText = 64 << 10
)

// CleanText makes user text safe to store and to show in a terminal:
// escape sequences are stripped; C0 controls other than newline and tab,
// DEL, C1 controls and bidi overrides are removed; invalid UTF-8 becomes
// U+FFFD and CRLF becomes LF. Every path into a model goes through it, and
// the TUI passes stored strings through it again before drawing them.
func CleanText(s string) string {
	if isPlain(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if strings.ContainsRune(s, 0x1b) || strings.ContainsRune(s, 0x9b) {
		s = ansi.Strip(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if keepRune(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// CleanLine is CleanText for one-line fields: newlines and tabs become
// spaces and surrounding space is trimmed.
func CleanLine(s string) string {
	s = CleanText(s)
	if strings.ContainsAny(s, "\n\t") {
		s = strings.Join(strings.Fields(s), " ")
	}
	return strings.TrimSpace(s)
}

// isPlain is the fast path: printable ASCII, newline and tab only.
func isPlain(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf || (c < 0x20 && c != '\n' && c != '\t') || c == 0x7f {
			return false
		}
	}
	return true
}

func keepRune(r rune) bool {
	switch {
	case r == '\n' || r == '\t':
		return true
	case r < 0x20 || r == 0x7f: // C0 and DEL
		return false
	case r >= 0x80 && r <= 0x9f: // C1
		return false
	case r >= 0x202a && r <= 0x202e, r >= 0x2066 && r <= 0x2069: // bidi embeddings, overrides, isolates
		return false
	}
	return true
}
