package store

import (
	"fmt"
	"slices"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// TestNaturalOrder checks that naturalOrder gives the order a sort by
// model.IDKey gives, from keys in bbolt's byte order, for ids it groups by
// length and for ids it has to sort.
func TestNaturalOrder(t *testing.T) {
	seq := func(prefix string, n int) []string {
		var ids []string
		for i := 1; i <= n; i++ {
			ids = append(ids, fmt.Sprintf("%s-%d", prefix, i))
		}
		return ids
	}
	for _, tc := range []struct {
		name string
		ids  []string
	}{
		{"empty", nil},
		{"one", []string{"T-1"}},
		{"threats", seq("T", 1200)},
		{"two prefixes", append(seq("T", 150), seq("TX", 120)...)},
		{"leading zeros", []string{"T-01", "T-1", "T-002", "T-10", "T-9", "T-0"}},
		{"not ids", []string{"b", "a", "ab", "", "T-", "T-x", "10", "9", "T-1", "T-1a"}},
		{"long", []string{string(make([]byte, 300)), "T-2", "T-10"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			keys := slices.Clone(tc.ids)
			slices.Sort(keys) // bbolt's order
			var want []model.IDKey
			for _, k := range keys {
				want = append(want, model.NewIDKey(k))
			}
			got := naturalOrder(slices.Clone(want), func(k model.IDKey) int { return len(k.ID()) }, model.IDKey.Compare)
			slices.SortFunc(want, model.IDKey.Compare)
			if !slices.Equal(got, want) {
				t.Errorf("naturalOrder(%q)\n= %v\nwant %v", keys, got, want)
			}
		})
	}
}
