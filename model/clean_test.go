package model

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestCleanText(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "hello\tworld\n", "hello\tworld\n"},
		{"csi colour", "\x1b[31mred\x1b[0m", "red"},
		{"osc title", "\x1b]0;pwned\x07text", "text"},
		{"osc hyperlink", "\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"},
		{"c0 controls", "a\x00b\x07c\x08d", "abcd"},
		{"del", "a\x7fb", "ab"},
		{"c1 controls", "a\u0085b\u009bc", "abc"},
		{"bidi override", "user\u202egnp.exe", "usergnp.exe"},
		{"bidi isolate", "a\u2066b\u2069c", "abc"},
		{"crlf", "a\r\nb", "a\nb"},
		{"lone cr", "a\rb", "ab"},
		{"invalid utf8", "a\xffb", "a\uFFFDb"},
		{"unicode kept", "Zoë — 日本", "Zoë — 日本"},
		{"zero width space", "pass\u200bword", "password"},
		{"byte-order mark", "\ufeffTitle", "Title"},
		{"word joiner", "a\u2060b", "ab"},
		{"right-to-left mark", "abc\u200fdef", "abcdef"},
		{"left-to-right mark", "abc\u200edef", "abcdef"},
		{"arabic letter mark", "a\u061cb", "ab"},
		{"line separator", "one\u2028two", "one\ntwo"},
		{"paragraph separator", "one\u2029two", "one\ntwo"},
		{"zero width joiners kept", "👩\u200d💻 a\u200cb", "👩\u200d💻 a\u200cb"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := CleanText(tt.in); got != tt.want {
				t.Errorf("CleanText(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestCleanLine(t *testing.T) {
	if got := CleanLine("  a\n b\t c  "); got != "a b c" {
		t.Errorf("CleanLine = %q", got)
	}
	if got := CleanLine("a\u2028b\u2029c\u200b"); got != "a b c" {
		t.Errorf("CleanLine(separators) = %q", got)
	}
}

func FuzzCleanText(f *testing.F) {
	for _, s := range []string{"", "plain", "\x1b[2J\x1b[H", "\x1b]52;c;AAAA\x07", "\u202e", "\x9b31m", "a\xff\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := CleanText(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 from %q", s)
		}
		for _, r := range got {
			if !keepRune(r) {
				t.Fatalf("CleanText(%q) kept %U", s, r)
			}
		}
		if strings.ContainsRune(got, 0x1b) {
			t.Fatalf("escape survived in %q", got)
		}
		if CleanText(got) != got {
			t.Fatalf("not idempotent: %q", s)
		}
	})
}

// isPlain takes exactly the strings of printable ASCII, newline and tab,
// for every byte value in every position of strings up to three words.
func TestIsPlainEveryByte(t *testing.T) {
	plain := func(c byte) bool { return c == '\n' || c == '\t' || c >= 0x20 && c < 0x7f }
	for n := 1; n <= 24; n++ {
		for pos := 0; pos < n; pos++ {
			for c := 0; c < 256; c++ {
				for _, fill := range []byte{'a', ' ', '~', '\n'} {
					b := []byte(strings.Repeat(string(fill), n))
					b[pos] = byte(c)
					if got := isPlain(string(b)); got != plain(byte(c)) {
						t.Fatalf("isPlain(%q) = %v", b, got)
					}
				}
			}
		}
	}
}
