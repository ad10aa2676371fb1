package jsonread

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// Compact accepts a value only when json.Marshal would write it as it
// is, and accepts what json.Marshal writes.
func TestCompact(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{`{}`, true},
		{`[]`, true},
		{`{"a":[1,-2,3.5,-0,0.25e10,1E-7,2e+3],"b":{"c":null,"d":true,"e":false},"f":""}`, true},
		{`"ünïcode ✓ \u00e9 \" \\ \/ \b\f\n\r\t"`, true},
		{`"\u003cb\u003e"`, true}, // escaped already
		{`{"long":"` + strings.Repeat("abcdefgh", 100) + `"}`, true},
		{``, false},
		{` {}`, false},
		{`{} `, false},
		{`{"a": 1}`, false},
		{"[1,\n2]", false},
		{`{"a":1,}`, false},
		{`[1,]`, false},
		{`{"a"}`, false},
		{`{1:2}`, false},
		{`[01]`, false},
		{`[1.]`, false},
		{`[.5]`, false},
		{`[1e]`, false},
		{`[-]`, false},
		{`[tru]`, false},
		{`[nul]`, false},
		{`"unterminated`, false},
		{`"bad \x escape"`, false},
		{`"\u12g4"`, false},
		{"\"tab\tinside\"", false},
		{`"<b>"`, false},
		{`"a & b"`, false},
		{"\"\u2028\"", false},
		{"\"\xff\"", false},
		{`{}{}`, false},
		{strings.Repeat("[", maxValidDepth+1) + strings.Repeat("]", maxValidDepth+1), false},
		{strings.Repeat("[", 100) + strings.Repeat("]", 100), true},
	} {
		if got := Compact([]byte(tc.in)); got != tc.want {
			t.Errorf("Compact(%.40q) = %v, want %v", tc.in, got, tc.want)
		}
		checkCompact(t, []byte(tc.in))
	}
}

// checkCompact fails when Compact accepts what json.Marshal of it
// as raw JSON does not write back unchanged.
func checkCompact(t *testing.T, b []byte) {
	t.Helper()
	if !Compact(b) {
		return
	}
	out, err := json.Marshal(json.RawMessage(b))
	if err != nil || !bytes.Equal(out, b) {
		t.Errorf("Compact accepted %.60q, which json.Marshal writes as %.60q (%v)", b, out, err)
	}
}

func FuzzCompact(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5e3,"x\u00e9"],"b":null}`, `[true,false]`, `"\\\"<"`, `{"a": 1}`, "\"\u2028\"", `-0.0E+1`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		checkCompact(t, b)
		// What json.Marshal writes of valid JSON is compact, and is
		// accepted unless it needs what Compact leaves to it.
		if json.Valid(b) {
			out, err := json.Marshal(json.RawMessage(b))
			if err != nil {
				t.Fatal(err)
			}
			checkCompact(t, out)
		}
	})
}
