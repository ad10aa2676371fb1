package export

import (
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// FuzzWordFolding checks that word's ASCII path folds exactly as package
// strings does (slowWord), and parseStride with it.
func FuzzWordFolding(f *testing.F) {
	for _, s := range []string{"", "Information Disclosure", " -Elevation_of/Privileges. ", "a\t-b", "\vX\r", "DB\t", "élan", "--", "Web-App  API"} {
		f.Add(s, "x")
	}
	f.Fuzz(func(t *testing.T, s, _ string) {
		if got, want := word(s), slowWord(s); got != want {
			t.Fatalf("word(%q) = %q, want %q", s, got, want)
		}
		c1, ok1 := parseStride(s)
		c2, ok2 := strideWords()[slowWord(s)]
		if !ok2 {
			c2, ok2 = model.ParseStride(s)
		}
		if c1 != c2 || ok1 != ok2 {
			t.Fatalf("parseStride(%q) = %v %v, want %v %v", s, c1, ok1, c2, ok2)
		}
	})
}
