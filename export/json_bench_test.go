package export

import "testing"

// BenchmarkParseJSON imports the 10,000-threat model (500 assets, 200
// surface elements) with full validation. Target: < 1 s.
func BenchmarkParseJSON(b *testing.B) {
	data, err := JSON(bigModel(10000, 500, 200))
	if err != nil {
		b.Fatal(err)
	}
	b.ReportAllocs()
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := ParseJSON(data); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkJSON exports the 10,000-threat model.
func BenchmarkJSON(b *testing.B) {
	m := bigModel(10000, 500, 200)
	b.ReportAllocs()
	for b.Loop() {
		if _, err := JSON(m); err != nil {
			b.Fatal(err)
		}
	}
}
