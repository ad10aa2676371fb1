package model

import (
	"fmt"
	"testing"
)

// FormatID writes what fmt.Sprintf("%s-%03d") writes, for any prefix and number.
func FuzzFormatID(f *testing.F) {
	for _, n := range []int{0, 1, 7, 42, 999, 1000, 123456, -1, -42, -1000} {
		f.Add("T", n)
	}
	f.Add("", 5)
	f.Add("SE-x", 1<<62)
	f.Fuzz(func(t *testing.T, prefix string, n int) {
		if got, want := FormatID(prefix, n), fmt.Sprintf("%s-%03d", prefix, n); got != want {
			t.Fatalf("FormatID(%q, %d) = %q, want %q", prefix, n, got, want)
		}
	})
}
