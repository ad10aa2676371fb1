package model

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzDecisionInputs: ticket, date and dismissal parsing never panic, an
// accepted ticket is a plain http(s) URL, and an accepted date is in
// canonical form.
func FuzzDecisionInputs(f *testing.F) {
	for _, s := range []string{"https://x.org/a", "http://[::1]:80/", "javascript:alert(1)", "https://", "2026-02-29", "2024-02-29", "true", `{"reason":"r"}`, "\x1b]8;;https://e\x07"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if ValidTicket(s) == nil {
			if l := strings.ToLower(s); !strings.HasPrefix(l, "http://") && !strings.HasPrefix(l, "https://") || strings.ContainsAny(s, " \t\n<>\"`\x1b") {
				t.Fatalf("accepted ticket %q", s)
			}
		}
		if d, err := ParseDate(s); err == nil && d != "" {
			if again, err := ParseDate(string(d)); err != nil || again != d || len(d) != len(DateLayout) {
				t.Fatalf("date %q → %q → %q, %v", s, d, again, err)
			}
		}
		var d Dismissal
		_ = json.Unmarshal([]byte(s), &d)
	})
}
