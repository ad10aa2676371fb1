package model

import (
	"strconv"
	"strings"
	"testing"
)

// splitIDGeneral is splitID without its fast path: the last '-' and
// strconv.Atoi of what follows it.
func splitIDGeneral(id string) (string, int) {
	i := strings.LastIndexByte(id, '-')
	if i < 0 {
		return id, -1
	}
	n, err := strconv.Atoi(id[i+1:])
	if err != nil || n < 0 {
		return id, -1
	}
	return id[:i], n
}

// FuzzSplitID checks that splitID's fast path splits every id as the
// general path does.
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
