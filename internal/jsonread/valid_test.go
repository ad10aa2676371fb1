package jsonread

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
)

// validCases are documents Valid must judge as json.Valid does, each
// feature of the grammar on both sides of the line.
var validCases = []string{
	`{}`, `[]`, `""`, `0`, `-0`, `1.5e+3`, `true`, `false`, `null`,
	` {"a" : [1, 2.0, -3e-2, "x", true, false, null, {}, []] } `,
	"\t\r\n[\n]\n",
	`{"a":{"b":{"c":[[[]]]}}}`,
	`"a\"\\\/\b\f\n\r\tz\u00e9\uD83D"`,
	"\"\xff\xfe invalid UTF-8 is taken\"",
	`"eight bytes and more, then an escape \n and the end"`,
	``, ` `, `{`, `}`, `[`, `]`, `{]`, `[}`, `{"a"}`, `{"a":}`, `{"a":1,}`, `[1,]`, `[,1]`,
	`{1:2}`, `{"a":1 "b":2}`, `[1 2]`, `01`, `-`, `1.`, `.5`, `1e`, `1e+`, `+1`, `0x1`,
	`tru`, `truex`, `nul`, `nulll`, `"`, `"abc`, `"\x"`, `"\u12"`, `"\u12G4"`,
	"\"a\x01b\"", "\"\x1f\"", `{} {}`, `[] x`, `"a" "b"`,
	strings.Repeat("[", 10000) + strings.Repeat("]", 10000),
	strings.Repeat("[", 10001) + strings.Repeat("]", 10001),
	strings.Repeat(`{"a":`, 200) + "1" + strings.Repeat("}", 200),
}

func TestValidAgreesWithEncodingJSON(t *testing.T) {
	for _, c := range validCases {
		if got, want := Valid([]byte(c)), json.Valid([]byte(c)); got != want {
			t.Errorf("Valid(%.60q) = %v, json.Valid %v", c, got, want)
		}
	}
}

func FuzzValid(f *testing.F) {
	for _, c := range validCases[:len(validCases)-3] {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if got, want := Valid(b), json.Valid(b); got != want {
			t.Fatalf("Valid(%q) = %v, json.Valid %v", b, got, want)
		}
	})
}

// BenchmarkValid compares Valid with json.Valid on a document of the
// shape a tool's kept data has: objects of short names and longer texts.
func BenchmarkValid(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"document":{"cells":[`)
	for i := range 20000 {
		if i > 0 {
			sb.WriteByte(',')
		}
		sb.WriteString(`{"attrs":{"text":{"text":"Element"}},"data":{"description":"A part of the system under review.","isALog":false,"threats":[{"id":"2767f87f-ba96-591b-a42b-419486cb531f","number":1,"severity":"Low"}]},"position":{"x":70,"y":80}}`)
	}
	sb.WriteString(`]}}`)
	doc := []byte(sb.String())
	var buf bytes.Buffer
	for _, c := range []struct {
		name  string
		valid func([]byte) bool
	}{
		{"jsonread", Valid},
		{"encoding-json", json.Valid},
		{"jsonread-compact", Compact},
		{"encoding-json-compact", func(b []byte) bool { buf.Reset(); return json.Compact(&buf, b) == nil }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(len(doc)))
			for b.Loop() {
				if !c.valid(doc) {
					b.Fatal("not valid")
				}
			}
		})
	}
}
