package jsonread

import (
	"os"
	"testing"
)

// BenchmarkStr reads every string of a threatdeck JSON export (set
// JSONREAD_BENCH_FILE; a generated document otherwise), as the decoders do.
func BenchmarkStr(b *testing.B) {
	data := []byte(`{"id":"T-001","title":"Credential stuffing against the login API","description":"Attackers replay passwords leaked elsewhere, at a rate the API allows, until one works; the accounts are then used to buy with stored cards.","assets":["AS-001","AS-002"],"status":"open","mitigations":[{"id":"M-001","description":"Rate limit by account and IP","status":"planned"}]}`)
	if f := os.Getenv("JSONREAD_BENCH_FILE"); f != "" {
		var err error
		if data, err = os.ReadFile(f); err != nil {
			b.Fatal(err)
		}
	}
	var starts []int
	for i := 0; i < len(data); i++ {
		if data[i] == '"' {
			starts = append(starts, i)
			for i++; i < len(data) && data[i] != '"'; i++ {
				if data[i] == '\\' {
					i++
				}
			}
		}
	}
	b.SetBytes(int64(len(data)))
	var s string
	for b.Loop() {
		for _, at := range starts {
			r := Reader{B: data, I: at}
			r.Str(&s, func(b []byte) string { return "" })
		}
	}
}
