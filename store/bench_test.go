package store

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// bigModel builds the benchmark workbook's model: 10,000 threats over 500
// assets and 200 surface elements, with text of realistic length. Records
// are built directly (mutators would validate each one against the whole
// model, which is not what is measured here).
func bigModel(tb testing.TB) *model.Model { return threatsModel(tb, 10000) }

// threatsModel is bigModel with n threats.
func threatsModel(tb testing.TB, n int) *model.Model {
	tb.Helper()
	m := mustNew(tb, "Benchmark platform", "Security team")
	m.Overview.Summary = "A generated model the size of a large platform review."
	for i := 1; i <= 500; i++ {
		m.Assets = append(m.Assets, model.Asset{ID: model.FormatID(model.PrefixAsset, i), Name: fmt.Sprintf("Asset %d", i),
			Description: "Customer records, payment tokens and the audit trail that goes with them.", Sensitivity: model.Confidential})
	}
	for i := 1; i <= 200; i++ {
		m.Surface = append(m.Surface, model.SurfaceElement{ID: model.FormatID(model.PrefixSurface, i), Name: fmt.Sprintf("Endpoint %d", i),
			Kind: model.KindAPI, Description: "Public REST endpoint behind the API gateway, authenticated with OAuth.", TrustZone: "internet"})
	}
	for i := 1; i <= 20; i++ {
		m.Actors = append(m.Actors, model.Actor{ID: model.FormatID(model.PrefixActor, i), Name: fmt.Sprintf("Actor %d", i), Kind: model.External, Capability: model.Medium, Risk: model.High})
	}
	mit := 0
	for i := 1; i <= n; i++ {
		t := model.Threat{
			ID:          model.FormatID(model.PrefixThreat, i),
			Title:       fmt.Sprintf("Credential stuffing against endpoint %d", i%200+1),
			Description: "Attackers replay username and password pairs leaked from other services against the login endpoint, relying on password reuse; successful logins give full account access and expose stored payment methods.",
			Category:    model.StrideCategories[i%6],
			Vector:      "Authentication & Authorization",
			Assets:      []string{model.FormatID(model.PrefixAsset, i%500+1), model.FormatID(model.PrefixAsset, (i*7)%500+1), model.FormatID(model.PrefixAsset, (i*13)%500+1)},
			Surface:     []string{model.FormatID(model.PrefixSurface, i%200+1), model.FormatID(model.PrefixSurface, (i*3)%200+1)},
			Actors:      []string{model.FormatID(model.PrefixActor, i%20+1)},
			OWASP:       []string{"A07:2025", "A01:2025"},
			Likelihood:  i%5 + 1, Impact: (i/5)%5 + 1,
			Status: model.ThreatStatuses[i%len(model.ThreatStatuses)],
		}
		for range 2 {
			mit++
			t.Mitigations = append(t.Mitigations, model.Mitigation{ID: model.FormatID(model.PrefixMitigation, mit),
				Description: "Rate-limit login attempts per account and per IP, and require MFA after anomalies.", Status: model.MitigationImplemented})
		}
		m.Threats = append(m.Threats, t)
	}
	m.Seq = map[string]int{model.PrefixAsset: 500, model.PrefixSurface: 200, model.PrefixActor: 20, model.PrefixThreat: n, model.PrefixMitigation: mit}
	m.Normalize()
	return m
}

// benchStore opens a workbook holding bigModel and returns it with the id.
func benchStore(b *testing.B) (*Store, string) {
	b.Helper()
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	id, err := s.Create(bigModel(b))
	if err != nil {
		b.Fatal(err)
	}
	return s, id
}

func reportFileSize(b *testing.B, s *Store) {
	if st, err := os.Stat(s.Path()); err == nil {
		b.ReportMetric(float64(st.Size())/(1<<20), "file-MiB")
	}
}

// BenchmarkLoad reads the 10,000-threat model (target: < 50 ms).
func BenchmarkLoad(b *testing.B) {
	s, id := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		m, err := s.Load(id)
		if err != nil || len(m.Threats) != 10000 {
			b.Fatal(err)
		}
	}
	reportFileSize(b, s)
}

// BenchmarkCommitEdit commits one threat edit to disk (fsync included) in
// the 10,000-threat model (target: < 5 ms median). ns/op is the mean; the
// median and 95th percentile are reported too.
func BenchmarkCommitEdit(b *testing.B) { benchCommits(b, false) }

// benchCommits commits one threat edit per iteration, each to another
// threat, and reports the median and 95th-percentile commit.
func benchCommits(b *testing.B, noSync bool) {
	s, id := benchStore(b)
	s.db.NoSync = noSync
	m, err := s.Load(id)
	if err != nil {
		b.Fatal(err)
	}
	var times []time.Duration
	i := 0
	b.ReportAllocs()
	for b.Loop() {
		i++
		t := m.Threats[(i*7919)%len(m.Threats)]
		t.Likelihood = t.Likelihood%5 + 1
		ch, err := m.PutThreat(t, t0.Add(time.Duration(i)*time.Second))
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		if err := s.Commit(id, ch.Do); err != nil {
			b.Fatal(err)
		}
		times = append(times, time.Since(start))
	}
	slices.Sort(times)
	b.ReportMetric(float64(times[len(times)/2].Nanoseconds()), "median-ns/commit")
	b.ReportMetric(float64(times[len(times)*95/100].Nanoseconds()), "p95-ns/commit")
}

// BenchmarkCreate writes the whole 10,000-threat model in one transaction,
// as import does; /100k writes 100,000 threats (-bench only).
func BenchmarkCreate(b *testing.B) {
	b.Run("10k", func(b *testing.B) { benchCreate(b, bigModel(b)) })
	b.Run("100k", func(b *testing.B) { benchCreate(b, threatsModel(b, 100000)) })
}

func benchCreate(b *testing.B, m *model.Model) {
	s, err := Open(filepath.Join(b.TempDir(), "bench.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	b.ReportAllocs()
	for b.Loop() {
		id, err := s.Create(m)
		if err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		if err := s.Delete(id); err != nil { // keep the file from growing
			b.Fatal(err)
		}
		b.StartTimer()
	}
}

// BenchmarkOpen measures opening the workbook, including the structural
// check of every page.
func BenchmarkOpen(b *testing.B) {
	s, _ := benchStore(b)
	path := s.Path()
	s.Close()
	b.ReportAllocs()
	for b.Loop() {
		s, err := Open(path, Options{})
		if err != nil {
			b.Fatal(err)
		}
		s.Close()
	}
}

// BenchmarkLoadChecksums verifies, on one goroutine, the checksum of every
// record BenchmarkLoad reads: the part of a load that checksums add (Load
// verifies them spread over its decoding workers).
func BenchmarkLoadChecksums(b *testing.B) {
	s, id := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		n := 0
		err := s.view(func(tx *bolt.Tx) error {
			mb := modelBucket(tx, id)
			for _, kind := range model.RecordKinds {
				kb := mb.Bucket([]byte(kind))
				sum := sumOf([]byte(kind))
				c := kb.Cursor()
				for k, v := c.First(); k != nil; k, v = c.Next() {
					if _, ok := sum.unseal(k, v); !ok {
						return fmt.Errorf("%s %s does not verify", kind, k)
					}
					n++
				}
			}
			return nil
		})
		if err != nil || n < 10000 {
			b.Fatal(n, err)
		}
	}
}

// BenchmarkList lists a workbook holding the 10,000-threat model, from
// its stored tally (the target of `threatdeck list` is < 20 ms whole
// process).
func BenchmarkList(b *testing.B) {
	s, _ := benchStore(b)
	b.ReportAllocs()
	for b.Loop() {
		if l, err := s.List(); err != nil || len(l) != 1 || l[0].Threats != 10000 {
			b.Fatal(l, err)
		}
	}
}
