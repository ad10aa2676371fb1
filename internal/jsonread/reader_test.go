package jsonread

import (
	"bytes"
	"encoding/json"
	"testing"
)

// agrees fails unless, whenever Str or Int takes data whole, encoding/json
// decodes it to the same value.
func agrees(t *testing.T, data []byte) (str, num bool) {
	t.Helper()
	r := Reader{B: data}
	var s string
	if r.Str(&s, nil) && r.I == len(data) {
		var want string
		if err := json.Unmarshal(data, &want); err != nil || want != s {
			t.Fatalf("Str(%q) = %q; encoding/json %q, %v", data, s, want, err)
		}
		str = true
	}
	r = Reader{B: data}
	var n int
	if r.Int(&n) && r.I == len(data) {
		var want int
		if err := json.Unmarshal(data, &want); err != nil || want != n {
			t.Fatalf("Int(%q) = %d; encoding/json %d, %v", data, n, want, err)
		}
		num = true
	}
	return str, num
}

func TestReaderAgreesWithEncodingJSON(t *testing.T) {
	cases := []struct {
		in       string
		str, num bool
	}{
		{`"plain"`, true, false},
		{`""`, true, false},
		{`"a\"\\\/\b\f\n\r\tz"`, true, false},
		{`"\u00e9\ud83d\ude00"`, true, false},
		{`"\ud83d"`, false, false},  // a lone surrogate: encoding/json makes it U+FFFD
		{"\"\xff\"", false, false},  // invalid UTF-8: the same
		{"\"a\x01\"", false, false}, // a raw control: refused
		{`"\x"`, false, false},
		{`12`, false, true},
		{`-7`, false, true},
		{`0`, false, true},
		{`012`, false, false},
		{`1.0`, false, false},
		{`1e3`, false, false},
		{`1234567890123456789`, false, false}, // 19 digits: left to encoding/json
	}
	for _, c := range cases {
		str, num := agrees(t, []byte(c.in))
		if str != c.str || num != c.num {
			t.Errorf("%s: taken as string %v, number %v; want %v, %v", c.in, str, num, c.str, c.num)
		}
	}
}

func TestObjectKeysArePlain(t *testing.T) {
	for in, want := range map[string]bool{`{"a": 1, "b": 2}`: true, `{}`: true, `{"\u0061": 1}`: false, `{"a" 1}`: false, `{"a": 1,}`: false} {
		r := Reader{B: []byte(in)}
		var keys []string
		got := r.Object(func(k []byte) bool {
			keys = append(keys, string(k))
			var n int
			return r.Int(&n)
		})
		if got != want {
			t.Errorf("Object(%s) = %v (keys %q), want %v", in, got, keys, want)
		}
	}
}

// FuzzReader: whatever Str or Int takes, encoding/json reads the same.
func FuzzReader(f *testing.F) {
	for _, s := range []string{`"x"`, `"\u00e9"`, `"\ud83d\ude00"`, `-0`, `42`, `"a\nb"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) { agrees(t, data) })
}

// Special flags a word exactly when one of its bytes would stop Str's
// fast scan, for every byte value in every position.
func TestSpecial(t *testing.T) {
	stops := func(c byte) bool { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80 }
	for pos := 0; pos < 8; pos++ {
		for c := 0; c < 256; c++ {
			for _, fill := range []byte{'a', ' ', '~', '!', '#', '[', ']'} {
				w := bytes.Repeat([]byte{fill}, 8)
				w[pos] = byte(c)
				x := uint64(0)
				for i := 7; i >= 0; i-- {
					x = x<<8 | uint64(w[i])
				}
				if got := Special(x) != 0; got != stops(byte(c)) {
					t.Fatalf("Special(%q) = %v, want %v", w, got, stops(byte(c)))
				}
			}
		}
	}
}

// scan finds a control character and a byte past ASCII exactly, for
// every byte value in every position of strings of every length up to
// three words.
func TestScan(t *testing.T) {
	for n := 1; n <= 24; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				for _, fill := range []byte{'a', ' ', '~', 0x7f} {
					s := bytes.Repeat([]byte{fill}, n)
					s[pos] = byte(c)
					control, ascii := scan(s)
					if control != (c < 0x20) || ascii != (c < 0x80) {
						t.Fatalf("scan(%q) = %v, %v", s, control, ascii)
					}
				}
			}
		}
	}
}
