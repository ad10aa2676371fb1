package export

import (
	"strings"
	"testing"
)

// cutLinesPlain is what cutLines shortcuts: split into paragraphs, the
// prefixed ones taken out, the rest joined again.
func cutLinesPlain(s string, prefixes ...string) (string, map[string]string) {
	found := map[string]string{}
	var keep []string
	for _, para := range strings.Split(s, "\n\n") {
		matched := false
		for _, p := range prefixes {
			if v, ok := strings.CutPrefix(strings.TrimSpace(para), p); ok && !strings.Contains(v, "\n") {
				found[p], matched = v, true
				break
			}
		}
		if !matched {
			keep = append(keep, para)
		}
	}
	return strings.TrimSpace(strings.Join(keep, "\n\n")), found
}

var cutLinesPrefixes = []string{"Sources: ", "Attack mechanisms: ", "Weaknesses: "}

// checkCutLines fails unless cutLines reads s as cutLinesPlain does.
func checkCutLines(t *testing.T, s string) {
	t.Helper()
	got, gotFound := cutLines(s, cutLinesPrefixes...)
	want, wantFound := cutLinesPlain(s, cutLinesPrefixes...)
	if got != want {
		t.Errorf("cutLines(%q) = %q; want %q", s, got, want)
	}
	for _, p := range cutLinesPrefixes {
		v, ok := gotFound.get(p)
		w, wok := wantFound[p]
		if v != w || ok != wok {
			t.Errorf("cutLines(%q) takes %q as %q, %v; want %q, %v", s, p, v, ok, w, wok)
		}
	}
}

// TestCutLinesTakesEveryParagraph checks cutLines against the plain
// reading it shortcuts.
func TestCutLinesTakesEveryParagraph(t *testing.T) {
	for _, s := range []string{
		"", "  ", "Plain text.", " Plain text, spaced. \n", "One.\n\nTwo.\n\n\nThree.",
		"What.\n\nSources: adversary, insider", "Sources: adversary\n\nWhat.", "What.\n\n  Sources: adversary  ",
		"What.\n\nSources: a\nb", "What. Sources: inline", "Sources: a\n\nSources: b", "Weaknesses: CWE-79\n\nAttack mechanisms: CAPEC-66",
		"\n\nSources: a\n\n", "a\n\n\n\nb\n\nSources: c", "a\n\n\n\nSources: c\n\n\n\nb", "Sources: a", "\n\n\n",
	} {
		checkCutLines(t, s)
	}
}

func FuzzCutLines(f *testing.F) {
	for _, s := range []string{"What.\n\nSources: a, b", "a\n\n\n\nWeaknesses: CWE-79\n\nb", " Sources: x\ny "} {
		f.Add(s)
	}
	f.Fuzz(checkCutLines)
}
