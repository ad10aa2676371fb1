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
// DEL, C1 controls, every bidi control (embeddings, overrides, isolates,
// the marks U+200E, U+200F and U+061C) and invisible characters that can
// hide or split words (U+200B zero width space, U+2060 word joiner,
// U+FEFF byte-order mark) are removed; the line and paragraph separators
// U+2028 and U+2029 become LF, as terminals and most tools do not treat
// them as line ends; invalid UTF-8 becomes U+FFFD and CRLF becomes LF.
// Zero width joiners (U+200C, U+200D) stay: emoji and several scripts
// need them. Every path into a model goes through it, and
// the TUI passes stored strings through it again before drawing them.
func CleanText(s string) string {
	if isPlain(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	if strings.ContainsRune(s, '\u2028') || strings.ContainsRune(s, '\u2029') {
		s = lineSeparators.Replace(s)
	}
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
	// Two vectorised searches: ContainsAny's byte loop was a fifth of
	// cleaning an import's ids and titles.
	if strings.IndexByte(s, '\n') >= 0 || strings.IndexByte(s, '\t') >= 0 {
		s = strings.Join(strings.Fields(s), " ")
	}
	return strings.TrimSpace(s)
}

// isPlain is the fast path: printable ASCII, newline and tab only. It
// looks at eight bytes at a time, and byte by byte only at a word holding
// a byte outside printable ASCII: checking a 10,000-threat import's texts
// byte by byte was a twelfth of reading the file.
func isPlain(s string) bool {
	const ones, high = 0x0101010101010101, 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := uint64(s[i]) | uint64(s[i+1])<<8 | uint64(s[i+2])<<16 | uint64(s[i+3])<<24 |
			uint64(s[i+4])<<32 | uint64(s[i+5])<<40 | uint64(s[i+6])<<48 | uint64(s[i+7])<<56
		// Some byte is below 0x20 ((x - ones*0x20) &^ x), or 0x7f or
		// above (x + ones, or x itself, has its high bit): a carry can
		// only mark a byte wrongly next to one truly marked.
		if ((x-ones*0x20)&^x|(x+ones)|x)&high == 0 {
			continue
		}
		for _, c := range []byte(s[i : i+8]) {
			if !plainByte(c) {
				return false
			}
		}
	}
	for ; i < len(s); i++ {
		if !plainByte(s[i]) {
			return false
		}
	}
	return true
}

// plainByte reports whether c is printable ASCII, a newline or a tab.
func plainByte(c byte) bool {
	return c < utf8.RuneSelf && (c >= 0x20 || c == '\n' || c == '\t') && c != 0x7f
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
	case r == 0x200e, r == 0x200f, r == 0x061c: // bidi marks (LRM, RLM, ALM)
		return false
	case r == 0x200b, r == 0x2060, r == 0xfeff: // zero width space, word joiner, BOM
		return false
	case r == 0x2028, r == 0x2029: // only reached after lineSeparators; never kept raw
		return false
	}
	return true
}

// lineSeparators turns the Unicode line and paragraph separators into LF.
var lineSeparators = strings.NewReplacer("\u2028", "\n", "\u2029", "\n")
