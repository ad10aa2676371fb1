package store

import (
	"encoding/binary"
	"unicode/utf8"

	"github.com/threatdeck/threatdeck/internal/jsonread"
)

// compactJSON reports whether b is one valid JSON value written as
// json.Marshal writes a json.RawMessage: no white space outside strings,
// and none of the text it escapes (<, >, &, U+2028, U+2029). Such a value
// is stored as it is. json.Compact, which finds the same, validates at a
// quarter of the speed: for the 98 MB document an import of 100,000
// Threat Dragon cells keeps, 370 ms of its write. It is stricter than JSON
// where that is cheaper (invalid UTF-8, nesting deeper than
// compactMaxDepth), leaving those to json.Compact and json.Marshal.
func compactJSON(b []byte) bool {
	c := compactScan{b: b}
	return c.value(0) && c.i == len(b)
}

// compactMaxDepth bounds compactJSON's recursion; encoding/json allows
// 10,000 levels, which a deeper document is left to.
const compactMaxDepth = 512

type compactScan struct {
	b []byte
	i int
}

func (c *compactScan) value(depth int) bool {
	if c.i >= len(c.b) || depth > compactMaxDepth {
		return false
	}
	switch ch := c.b[c.i]; {
	case ch == '{':
		return c.object(depth)
	case ch == '[':
		return c.array(depth)
	case ch == '"':
		return c.str()
	case ch == '-' || ch >= '0' && ch <= '9':
		return c.number()
	case ch == 't':
		return c.literal("true")
	case ch == 'f':
		return c.literal("false")
	case ch == 'n':
		return c.literal("null")
	}
	return false
}

func (c *compactScan) object(depth int) bool {
	c.i++ // {
	if c.next('}') {
		return true
	}
	for {
		if c.i >= len(c.b) || c.b[c.i] != '"' || !c.str() || !c.next(':') || !c.value(depth+1) {
			return false
		}
		if c.next('}') {
			return true
		}
		if !c.next(',') {
			return false
		}
	}
}

func (c *compactScan) array(depth int) bool {
	c.i++ // [
	if c.next(']') {
		return true
	}
	for {
		if !c.value(depth + 1) {
			return false
		}
		if c.next(']') {
			return true
		}
		if !c.next(',') {
			return false
		}
	}
}

// next consumes ch if it comes next.
func (c *compactScan) next(ch byte) bool {
	if c.i < len(c.b) && c.b[c.i] == ch {
		c.i++
		return true
	}
	return false
}

func (c *compactScan) literal(word string) bool {
	if len(c.b)-c.i < len(word) || string(c.b[c.i:c.i+len(word)]) != word {
		return false
	}
	c.i += len(word)
	return true
}

// number reads -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?.
func (c *compactScan) number() bool {
	c.next('-')
	switch {
	case c.next('0'):
	case c.i < len(c.b) && c.b[c.i] >= '1' && c.b[c.i] <= '9':
		c.digits()
	default:
		return false
	}
	if c.next('.') && !c.digits() {
		return false
	}
	if c.next('e') || c.next('E') {
		if !c.next('+') {
			c.next('-')
		}
		if !c.digits() {
			return false
		}
	}
	return true
}

// digits consumes [0-9]* and reports whether there was one.
func (c *compactScan) digits() bool {
	start := c.i
	for c.i < len(c.b) && c.b[c.i] >= '0' && c.b[c.i] <= '9' {
		c.i++
	}
	return c.i > start
}

// str reads a string, eight bytes at a time while none of them needs a
// look: a quote, a backslash, a control, a byte of UTF-8 past ASCII, or
// one of the bytes json.Marshal escapes.
func (c *compactScan) str() bool {
	c.i++ // "
	b := c.b
	for {
		for c.i+8 <= len(b) {
			x := binary.LittleEndian.Uint64(b[c.i:])
			if jsonread.Special(x)|jsonread.HasByte(x, '<')|jsonread.HasByte(x, '>')|jsonread.HasByte(x, '&') != 0 {
				break
			}
			c.i += 8
		}
		if c.i >= len(b) {
			return false
		}
		switch ch := b[c.i]; {
		case ch == '"':
			c.i++
			return true
		case ch == '\\':
			if !c.escape() {
				return false
			}
		case ch < 0x20 || ch == '<' || ch == '>' || ch == '&':
			return false
		case ch < utf8.RuneSelf:
			c.i++
		default:
			r, n := utf8.DecodeRune(b[c.i:])
			if r == utf8.RuneError && n == 1 || r == '\u2028' || r == '\u2029' {
				return false
			}
			c.i += n
		}
	}
}

// escape reads one escape sequence, its backslash first.
func (c *compactScan) escape() bool {
	c.i++
	if c.i >= len(c.b) {
		return false
	}
	switch c.b[c.i] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		c.i++
		return true
	case 'u':
		if len(c.b)-c.i < 5 {
			return false
		}
		for _, h := range c.b[c.i+1 : c.i+5] {
			if !('0' <= h && h <= '9' || 'a' <= h && h <= 'f' || 'A' <= h && h <= 'F') {
				return false
			}
		}
		c.i += 5
		return true
	}
	return false
}
