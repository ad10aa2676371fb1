package store

import (
	"bytes"
	"encoding/binary"
	"flag"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// The corruption campaign damages real workbooks in every way the file can
// be damaged and puts each variant through checkVariant. The normal test
// run takes a short sample; the full campaign is
//
//	go test -run TestCorruptionCampaign -variants 10000 ./store
var variants = flag.Int("variants", 0, "corruption campaign: number of random variants per fixture (0: a short sample)")

// fixture is a real workbook, as bytes, with what it holds.
type fixture struct {
	name string
	data []byte
	want contents
}

// campaignFixtures builds the workbooks damaged: a big model over several
// levels of branch pages beside a small one; many small models (inline
// buckets in the models bucket's own leaves), with team libraries; one
// edited many times, so its free list is long; and one written by schema 1
// and migrated.
// small makes them smaller, for the short run.
func campaignFixtures(t *testing.T, small bool) []fixture {
	threats, edits, models := 1000, 200, 30
	if small {
		threats, edits, models = 300, 40, 12
	}
	var out []fixture
	add := func(name string, data []byte) {
		out = append(out, fixture{name, data, wantOf(t, data)})
	}
	add("big", realWorkbook(t, threats))

	s, err := Open(filepath.Join(t.TempDir(), "many.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	for i := range models {
		m := mustNew(t, fmt.Sprintf("Model %d", i), "team")
		must(t)(m.PutAsset(model.Asset{Name: "Data", Sensitivity: model.Internal}, t0))
		if _, err := s.Create(m); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := s.AddLibrary(teamLibrary("team", "1", "A-1", "A-2"), t0); err != nil {
		t.Fatal(err)
	}
	s.Close()
	add("many", readFile(t, s.Path()))

	s, err = Open(filepath.Join(t.TempDir(), "edited.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := richModel(t, "Payments")
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	for i := range edits {
		ch := must(t)(m.PutThreat(model.Threat{Title: fmt.Sprintf("Edit %d", i), Category: model.Spoofing, Likelihood: 2, Impact: 2}, t0))
		if err := s.Commit(id, ch.Do); err != nil {
			t.Fatal(err)
		}
		if i%3 == 0 {
			ch := must(t)(m.DeleteThreat(m.Threats[len(m.Threats)-1].ID, t0))
			if err := s.Commit(id, ch.Do); err != nil {
				t.Fatal(err)
			}
		}
	}
	s.Close()
	add("edited", readFile(t, s.Path()))

	add("migrated", migratedWorkbook(t))
	return out
}

// pageInfo is what the campaign knows of one page of a fixture.
type pageInfo struct {
	id    int
	flags uint16
	count int
}

// pagesOf lists the fixture's pages in use (by their headers) and the page
// size and high-water mark.
func pagesOf(data []byte) (pages []pageInfo, size, hwm int) {
	size = int(binary.NativeEndian.Uint32(data[16+8:]))
	m0, m1 := binary.NativeEndian.Uint64(data[16+48:]), binary.NativeEndian.Uint64(data[size+16+48:])
	metaAt := 0
	if m1 > m0 {
		metaAt = size
	}
	hwm = int(binary.NativeEndian.Uint64(data[metaAt+16+40:]))
	for id := 2; id < hwm; id++ {
		p := data[id*size:]
		if int(binary.NativeEndian.Uint64(p)) != id {
			continue
		}
		pages = append(pages, pageInfo{id, binary.NativeEndian.Uint16(p[8:]), int(binary.NativeEndian.Uint16(p[10:]))})
	}
	return pages, size, hwm
}

// variant is one damaged copy of a fixture.
type variant struct {
	class string
	data  []byte
}

// systematic lists the variants every fixture gets: truncation at every
// page boundary, every page zeroed, every branch element pointing at its
// own page, and every branch and leaf page's element count lowered.
func systematic(data []byte) []variant {
	pages, size, hwm := pagesOf(data)
	var out []variant
	for k := 1; k < hwm; k++ {
		out = append(out, variant{"truncated at a page boundary", bytes.Clone(data[:k*size])})
	}
	for id := range hwm {
		d := bytes.Clone(data)
		clear(d[id*size : (id+1)*size])
		out = append(out, variant{"zeroed page", d})
	}
	for _, p := range pages {
		switch p.flags {
		case flagBranch:
			for i := range p.count {
				d := bytes.Clone(data)
				binary.NativeEndian.PutUint64(d[p.id*size+pageHeaderSize+i*elemSize+8:], uint64(p.id))
				out = append(out, variant{"self-referencing branch", d})
			}
			fallthrough
		case flagLeaf:
			for _, lower := range []int{1, p.count / 2, p.count} {
				if lower < 1 || lower > p.count {
					continue
				}
				d := bytes.Clone(data)
				binary.NativeEndian.PutUint16(d[p.id*size+10:], uint16(p.count-lower))
				out = append(out, variant{"lowered element count", d})
			}
		}
	}
	return out
}

// randomVariant flips one bit or rewrites one byte in a page of the given
// class: meta, freelist, branch or leaf.
func randomVariant(r *rand.Rand, data []byte) variant {
	pages, size, _ := pagesOf(data)
	classes := map[string][]int{"meta": {0, 1}}
	for _, p := range pages {
		switch p.flags {
		case flagFreelist:
			classes["freelist"] = append(classes["freelist"], p.id)
		case flagBranch:
			classes["branch"] = append(classes["branch"], p.id)
		case flagLeaf:
			classes["leaf"] = append(classes["leaf"], p.id)
		}
	}
	names := []string{"meta", "freelist", "branch", "leaf"}
	var class string
	for class == "" || len(classes[class]) == 0 {
		class = names[r.IntN(len(names))]
	}
	id := classes[class][r.IntN(len(classes[class]))]
	// Meta pages matter up to their checksum; others throughout.
	span := size
	if class == "meta" {
		span = pageHeaderSize + metaSize
	}
	d := bytes.Clone(data)
	at := id*size + r.IntN(span)
	if r.IntN(2) == 0 {
		d[at] ^= 1 << r.IntN(8)
		return variant{class + " bit flip", d}
	}
	d[at] = byte(r.IntN(256))
	if d[at] == data[at] {
		d[at] ^= 0xFF
	}
	return variant{class + " byte change", d}
}

func TestCorruptionCampaign(t *testing.T) {
	start := time.Now()
	n := *variants
	sample := n == 0
	if sample {
		n = 8
	}
	var st variantStats
	r := rand.New(rand.NewPCG(13, uint64(n)))
	for _, fx := range campaignFixtures(t, sample) {
		vs := systematic(fx.data)
		if sample {
			// The short run takes a spread of the systematic variants.
			r.Shuffle(len(vs), func(i, j int) { vs[i], vs[j] = vs[j], vs[i] })
			vs = vs[:min(len(vs), 8)]
		}
		for range n {
			vs = append(vs, randomVariant(r, fx.data))
		}
		for i, v := range vs {
			o := checkVariant(t, fmt.Sprintf("%s #%d (%s)", fx.name, i, v.class), v.data, fx.want, &st)
			st.add(v.class, o)
		}
		if t.Failed() {
			break
		}
	}
	classes := make([]string, 0, len(st.byClass))
	for c := range st.byClass {
		classes = append(classes, c)
	}
	slices.Sort(classes)
	t.Logf("%d variants in %v: %d opened identical, %d reported damaged (%d healthy models still read, %d models listed damaged, %d writes refused), %d refused",
		st.n, time.Since(start).Round(time.Second), st.identical, st.damaged, st.healthyModels, st.damagedModels, st.writesRefused, st.refused)
	t.Logf("salvage of the damaged and refused ones: %d models saved whole, %d in part, %d files beyond salvage", st.salvagedWhole, st.salvagedPart, st.unsalvageable)
	for _, c := range classes {
		x := st.byClass[c]
		t.Logf("  %-30s identical %5d  damaged %5d  refused %5d", c, x[0], x[1], x[2])
	}
}
