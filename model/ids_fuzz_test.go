package model

import "testing"

// FuzzSplitID checks that splitID's fast path splits every id as the
// general path (splitIDGeneral) does.
func FuzzSplitID(f *testing.F) {
	for _, s := range []string{"T-012", "AS-1", "T-", "-5", "5", "T-+5", "T--5", "T-1-2", "x", "",
		"T-999999999999999999", "T-9999999999999999999", "T-00000000000000000000007", "T-1a", "é-3"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, id string) {
		p, n := splitID(id)
		wp, wn := splitIDGeneral(id)
		if p != wp || n != wn {
			t.Fatalf("splitID(%q) = %q, %d; want %q, %d", id, p, n, wp, wn)
		}
	})
}
