// Package jsonread is the cursor the hand-written JSON decoders of store
// (stored records) and export (threatdeck JSON documents) read with. It
// takes only what encoding/json reads the same way — plain keys, strings
// whose escapes it knows and whose text is valid UTF-8, integers without
// fraction, exponent or leading zero — and reports false for anything
// else, so that its callers hand that input to encoding/json instead.
package jsonread

import (
	"bytes"
	"encoding/binary"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
	"unsafe"
)

// Reader is a cursor over JSON text: B from I on.
type Reader struct {
	B []byte
	I int
}

// Space skips JSON white space.
func (r *Reader) Space() {
	// The cursor is kept in a local: stepping r.I itself stored and
	// loaded it at every byte. A table, not four comparisons, keeps
	// Space cheap enough for Next, which holds it, to be inlined.
	i := r.I
	for i < len(r.B) && space[r.B[i]] {
		i++
	}
	r.I = i
}

// space marks the bytes of JSON white space.
var space = [256]bool{' ': true, '\t': true, '\n': true, '\r': true}

// Next skips space and consumes c if it comes next.
func (r *Reader) Next(c byte) bool {
	// Compact JSON, json.Marshal's, has no space: c is most often the very
	// next byte, and Space's loop was a tenth of a store preview.
	if r.I < len(r.B) && r.B[r.I] == c {
		r.I++
		return true
	}
	r.Space()
	if r.I < len(r.B) && r.B[r.I] == c {
		r.I++
		return true
	}
	return false
}

// Null consumes a null literal if one comes next.
func (r *Reader) Null() bool {
	r.Space()
	if len(r.B)-r.I >= 4 && string(r.B[r.I:r.I+4]) == "null" {
		r.I += 4
		return true
	}
	return false
}

// Object reads {"key": value, …}, calling field for each key with the
// cursor before its value. Keys must be plain: printable ASCII, no
// escapes.
func (r *Reader) Object(field func(key []byte) bool) bool {
	if !r.Next('{') {
		return false
	}
	if r.Next('}') {
		return true
	}
	for {
		if !r.Next('"') {
			return false
		}
		// In locals, as in Space.
		b, start := r.B, r.I
		i := start
		for i < len(b) && b[i] != '"' && b[i] != '\\' && b[i] >= 0x20 && b[i] < 0x80 {
			i++
		}
		r.I = i
		if i >= len(b) || b[i] != '"' {
			return false
		}
		key := b[start:i]
		r.I = i + 1
		if !r.Next(':') || !field(key) {
			return false
		}
		if r.Next('}') {
			return true
		}
		if !r.Next(',') {
			return false
		}
	}
}

// Str reads a JSON string (not null). Strings without escapes, the
// common case, are converted in one step, by text when it is not nil (a
// caller may share or pool them).
func (r *Reader) Str(out *string, text func(b []byte) string) bool {
	if !r.Next('"') {
		return false
	}
	start := r.I
	// The closing quote is found first, by the vectorised IndexByte, and
	// the text before it then checked in one pass that does not branch
	// per word: scanning word by word for any of the four stops at once
	// was a tenth of a fresh export's CPU.
	n := bytes.IndexByte(r.B[start:], '"')
	if n < 0 {
		r.I = len(r.B)
		return false
	}
	s := r.B[start : start+n]
	if k := bytes.IndexByte(s, '\\'); k >= 0 {
		// escaped checks what follows the first escape; what comes
		// before it is checked here, as for a plain string.
		if control, _ := scan(s[:k]); control {
			r.I = start
			return false
		}
		r.I = start + k
		return r.escaped(start, out)
	}
	control, ascii := scan(s)
	// encoding/json replaces invalid UTF-8; leave that to it.
	if control || !ascii && !utf8.Valid(s) {
		r.I = start
		return false
	}
	if text != nil {
		*out = text(s)
	} else {
		*out = string(s)
	}
	r.I = start + n + 1
	return true
}

// scan reports whether s holds a control character (below 0x20), which a
// JSON string may not, and whether it is all ASCII.
func scan(s []byte) (control, ascii bool) {
	var low, high uint64
	i := 0
	for ; i+8 <= len(s); i += 8 {
		x := binary.LittleEndian.Uint64(s[i:])
		low |= (x - ones*0x20) &^ x // (x - ones*n) &^ x & high: some byte is below n (n <= 0x80)
		high |= x
	}
	for ; i < len(s); i++ {
		c := uint64(s[i])
		low |= (c - 0x20) &^ c & 0x80
		high |= c
	}
	return low&hi8 != 0, high&hi8 == 0
}

// hi8 is the high bit of every byte.
const hi8 = high

// The SWAR constants: a one and a high bit in every byte.
const (
	ones = 0x0101010101010101
	high = 0x8080808080808080
)

// Special is non-zero when one of the eight bytes of x is '"', '\\', a
// control (below 0x20) or not ASCII (0x80 and above): a byte that a JSON
// string's text cannot simply be copied past, reading or writing.
func Special(x uint64) uint64 {
	control := (x - ones*0x20) &^ x // (x - ones*n) &^ x & high: some byte is below n (n <= 0x80)
	return (control | HasByte(x, '"') | HasByte(x, '\\') | x) & high
}

// HasByte is non-zero when one of the eight bytes of x is c: (v - ones) &^
// v & high is non-zero if and only if some byte of v is zero.
func HasByte(x uint64, c byte) uint64 {
	v := x ^ ones*uint64(c)
	return (v - ones) &^ v & high
}

// escaped finishes a string that holds escapes, from its start.
func (r *Reader) escaped(start int, out *string) bool {
	buf := make([]byte, 0, r.I-start+16)
	buf = append(buf, r.B[start:r.I]...)
	for r.I < len(r.B) {
		c := r.B[r.I]
		switch {
		case c == '"':
			if !utf8.Valid(buf) {
				return false
			}
			// buf is this string's alone and never written again:
			// copying it into a string of its own was a second
			// allocation for every text with an escape.
			*out = unsafe.String(unsafe.SliceData(buf), len(buf))
			r.I++
			return true
		case c < 0x20:
			return false
		case c != '\\':
			buf = append(buf, c)
			r.I++
			continue
		}
		if r.I+1 >= len(r.B) {
			return false
		}
		r.I += 2
		switch e := r.B[r.I-1]; e {
		case '"', '\\', '/':
			buf = append(buf, e)
		case 'b':
			buf = append(buf, '\b')
		case 'f':
			buf = append(buf, '\f')
		case 'n':
			buf = append(buf, '\n')
		case 'r':
			buf = append(buf, '\r')
		case 't':
			buf = append(buf, '\t')
		case 'u':
			c1, ok := r.hex4()
			if !ok {
				return false
			}
			if utf16.IsSurrogate(c1) {
				// A lone surrogate becomes U+FFFD in encoding/json; only
				// a proper pair is taken here.
				if r.I+1 >= len(r.B) || r.B[r.I] != '\\' || r.B[r.I+1] != 'u' {
					return false
				}
				r.I += 2
				c2, ok := r.hex4()
				if c1 = utf16.DecodeRune(c1, c2); !ok || c1 == utf8.RuneError {
					return false
				}
			}
			buf = utf8.AppendRune(buf, c1)
		default:
			return false
		}
	}
	return false
}

func (r *Reader) hex4() (rune, bool) {
	if r.I+4 > len(r.B) {
		return 0, false
	}
	n, err := strconv.ParseUint(string(r.B[r.I:r.I+4]), 16, 16)
	r.I += 4
	return rune(n), err == nil
}

// Int reads a JSON integer that surely fits an int: an optional minus, no
// leading zero, fraction or exponent (encoding/json refuses or reads
// those otherwise), and at most 18 digits (9 where int has 32 bits).
func (r *Reader) Int(out *int) bool {
	r.Space()
	start := r.I
	if r.I < len(r.B) && r.B[r.I] == '-' {
		r.I++
	}
	digits := r.I
	for r.I < len(r.B) && r.B[r.I] >= '0' && r.B[r.I] <= '9' {
		r.I++
	}
	if r.I == digits || (r.B[digits] == '0' && r.I-digits > 1) {
		return false
	}
	if r.I < len(r.B) && (r.B[r.I] == '.' || r.B[r.I] == 'e' || r.B[r.I] == 'E') {
		return false
	}
	if n := r.I - digits; n > 18 || (strconv.IntSize == 32 && n > 9) {
		return false
	}
	n := 0
	for _, c := range r.B[digits:r.I] {
		n = n*10 + int(c-'0')
	}
	if r.B[start] == '-' {
		n = -n
	}
	*out = n
	return true
}

// SkipStr steps over a JSON string without converting it. It checks its
// escapes but not for raw control characters, which json.Marshal never
// writes: a caller uses it only on text it trusts to come from
// json.Marshal (store's preview of a record that passed its checksum),
// where looking at every byte of every description was most of the time.
func (r *Reader) SkipStr() bool {
	if !r.Next('"') {
		return false
	}
	for {
		j := bytes.IndexByte(r.B[r.I:], '"')
		if j < 0 {
			return false
		}
		k := bytes.IndexByte(r.B[r.I:r.I+j], '\\')
		if k < 0 {
			r.I += j + 1
			return true
		}
		r.I += k
		if r.I+1 >= len(r.B) {
			return false
		}
		switch r.B[r.I+1] {
		case '"', '\\', '/', 'b', 'f', 'n', 'r', 't':
			r.I += 2
		case 'u':
			r.I += 2
			if _, ok := r.hex4(); !ok {
				return false
			}
		default:
			return false
		}
	}
}
