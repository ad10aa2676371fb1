package jsonread

import (
	"encoding/binary"
	"unicode/utf8"
)

// maxValidDepth is encoding/json's limit on nesting: its scanner refuses
// a document with more brackets open at once.
const maxValidDepth = 10000

// Valid reports whether b is one JSON value with only white space around
// it. It says true only where json.Valid does; it may say false where
// json.Valid would not (never, for the documents it was measured on), so
// a caller that must agree with encoding/json asks it again then. It
// exists for a workbook's raw records: a tool's kept data is one record
// of up to about 100 MB, and encoding/json, which scans a value twice to
// unmarshal it into a json.RawMessage (checkValid, then skip), took
// about a fifth of the export of a 100,000-element TM-BOM model doing so.
// Most of such a record is string text, stepped over eight bytes at a
// time.
func Valid(b []byte) bool { return validate(b, false) }

// Compact reports whether b is one valid JSON value written as json.Marshal
// writes a json.RawMessage: no white space outside strings, and in them
// none of the text Marshal escapes (<, >, &, U+2028, U+2029) and no invalid
// UTF-8 (which Marshal replaces). Such a value can be stored as it is; a
// store checking a 98 MB kept document this way spent a quarter of what
// json.Compact, which finds the same, takes. False is also said where
// encoding/json would say true (for the invalid UTF-8 and the escapes above):
// the caller then hands the value to encoding/json.
func Compact(b []byte) bool { return validate(b, true) }

// validate is Valid, or Compact when compact is set: the one walk both use.
func validate(b []byte, compact bool) bool {
	r := Reader{B: b}
	// open holds the brackets that are open, innermost last: '{' or '['.
	var open []byte
	if !compact {
		r.Space()
	}
	for {
		// A value.
		if r.I >= len(b) {
			return false
		}
		switch c := b[r.I]; {
		case c == '{' || c == '[':
			if len(open) == maxValidDepth {
				return false
			}
			open = append(open, c)
			r.I++
			if !compact {
				r.Space()
			}
			if r.I < len(b) && b[r.I] == c+2 { // '}' is '{'+2, ']' is '['+2
				r.I++
				open = open[:len(open)-1]
				break
			}
			if c == '{' && !r.validKey(compact) {
				return false
			}
			continue
		case c == '"':
			if !r.str(compact) {
				return false
			}
		case c == '-' || (c >= '0' && c <= '9'):
			if !r.validNumber() {
				return false
			}
		case c == 't':
			if !r.word("true") {
				return false
			}
		case c == 'f':
			if !r.word("false") {
				return false
			}
		case c == 'n':
			if !r.word("null") {
				return false
			}
		default:
			return false
		}
		// After a value: close what it ends, then a comma and the next.
		for {
			if !compact {
				r.Space()
			}
			if len(open) == 0 {
				return r.I == len(b)
			}
			if r.I >= len(b) {
				return false
			}
			top := open[len(open)-1]
			if b[r.I] == top+2 {
				r.I++
				open = open[:len(open)-1]
				continue
			}
			if b[r.I] != ',' {
				return false
			}
			r.I++
			if !compact {
				r.Space()
			}
			if top == '{' && !r.validKey(compact) {
				return false
			}
			break
		}
	}
}

// str is validString, or compactString when compact is set.
func (r *Reader) str(compact bool) bool {
	if compact {
		return r.compactString()
	}
	return r.validString()
}

// validKey steps over an object's member name and its colon, leaving the
// cursor at the member's value.
func (r *Reader) validKey(compact bool) bool {
	if r.I >= len(r.B) || r.B[r.I] != '"' || !r.str(compact) {
		return false
	}
	if compact {
		if r.I >= len(r.B) || r.B[r.I] != ':' {
			return false
		}
		r.I++
		return true
	}
	if !r.Next(':') {
		return false
	}
	r.Space()
	return true
}

// validString steps over a string token at the cursor: no raw control
// character, only the escapes JSON has. Other bytes, invalid UTF-8
// included, are taken, as encoding/json takes them.
func (r *Reader) validString() bool {
	b, i := r.B, r.I+1
	for {
		for i+8 <= len(b) && stringStop(binary.LittleEndian.Uint64(b[i:])) == 0 {
			i += 8
		}
		if i >= len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '"':
			r.I = i + 1
			return true
		case c == '\\':
			if !r.validEscape(i) {
				return false
			}
			i = r.I
		case c < 0x20:
			return false
		default:
			i++
		}
	}
}

// compactString is validString refusing, besides, what json.Marshal would
// write otherwise (see Compact). It is a loop of its own, not a flag of
// validString's: testing the flag in the loop took a fifth of Compact.
func (r *Reader) compactString() bool {
	b, i := r.B, r.I+1
	for {
		for i+8 <= len(b) && compactStop(binary.LittleEndian.Uint64(b[i:])) == 0 {
			i += 8
		}
		if i >= len(b) {
			return false
		}
		switch c := b[i]; {
		case c == '"':
			r.I = i + 1
			return true
		case c == '\\':
			if !r.validEscape(i) {
				return false
			}
			i = r.I
		case c < 0x20 || c == '<' || c == '>' || c == '&':
			return false
		case c < utf8.RuneSelf:
			i++
		default:
			ch, n := utf8.DecodeRune(b[i:])
			if ch == utf8.RuneError && n == 1 || ch == '\u2028' || ch == '\u2029' {
				return false
			}
			i += n
		}
	}
}

// validEscape checks the escape whose backslash is at b[i], leaving the
// cursor past it.
func (r *Reader) validEscape(i int) bool {
	b := r.B
	if i+1 >= len(b) {
		return false
	}
	switch b[i+1] {
	case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
		r.I = i + 2
		return true
	case 'u':
		if i+6 > len(b) {
			return false
		}
		for _, h := range b[i+2 : i+6] {
			if !isHex(h) {
				return false
			}
		}
		r.I = i + 6
		return true
	}
	return false
}

// stringStop is non-zero when one of the eight bytes of x is '"', '\\' or
// a control: Special without the bytes above ASCII, which a string may
// hold as they are.
func stringStop(x uint64) uint64 {
	control := (x - ones*0x20) &^ x
	return (control | HasByte(x, '"') | HasByte(x, '\\')) & high
}

// compactStop is non-zero when one of the eight bytes of x needs a look in
// a compact string: Special's bytes (those above ASCII included) and the
// ones json.Marshal escapes.
func compactStop(x uint64) uint64 {
	return Special(x) | HasByte(x, '<') | HasByte(x, '>') | HasByte(x, '&')
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

// validNumber steps over a number: -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?
func (r *Reader) validNumber() bool {
	b := r.B
	if r.I < len(b) && b[r.I] == '-' {
		r.I++
	}
	switch {
	case r.I < len(b) && b[r.I] == '0':
		r.I++
	case r.I < len(b) && b[r.I] >= '1' && b[r.I] <= '9':
		r.digits()
	default:
		return false
	}
	if r.I < len(b) && b[r.I] == '.' {
		r.I++
		if !r.digits() {
			return false
		}
	}
	if r.I < len(b) && (b[r.I] == 'e' || b[r.I] == 'E') {
		r.I++
		if r.I < len(b) && (b[r.I] == '+' || b[r.I] == '-') {
			r.I++
		}
		if !r.digits() {
			return false
		}
	}
	return true
}

// digits steps over one or more decimal digits, reporting whether there
// was one.
func (r *Reader) digits() bool {
	start := r.I
	for r.I < len(r.B) && r.B[r.I] >= '0' && r.B[r.I] <= '9' {
		r.I++
	}
	return r.I > start
}

// word steps over the literal w.
func (r *Reader) word(w string) bool {
	if len(r.B)-r.I < len(w) || string(r.B[r.I:r.I+len(w)]) != w {
		return false
	}
	r.I += len(w)
	return true
}
