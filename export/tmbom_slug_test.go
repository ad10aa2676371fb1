package export

import "testing"

// symSlug is slug by hand: the same name for every text, ASCII or not.
func TestSymSlugIsSlug(t *testing.T) {
	for _, s := range []string{"", "---", "a", "Threat 1", "risk-threat-1", "ALL CAPS", "a/b", "x\x1b[31m",
		"  lead and trail  ", "a__b--c", "Ünïcödé", "K\u212a", "0", "-a-", "a\xff", "İstanbul"} {
		if got, want := symSlug(s), slug(s); got != want {
			t.Errorf("symSlug(%q) = %q, slug gives %q", s, got, want)
		}
	}
}
