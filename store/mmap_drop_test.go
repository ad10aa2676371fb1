package store

import (
	"reflect"
	"strconv"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// A load that lets the file's mapped pages go as it decodes (every
// bucket, every other record, across decoders) reads the same model.
func TestLoadDroppingMappedPages(t *testing.T) {
	s := newStore(t)
	m := richModel(t, "Dropped pages")
	for i := range 300 {
		must(t)(m.PutThreat(model.Threat{Title: "Threat " + strconv.Itoa(i), Description: "Long enough to fill pages " + strconv.Itoa(i*7919),
			Category: model.StrideCategories[i%6], Likelihood: i%5 + 1, Impact: 3}, t0))
	}
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	want, err := s.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	wantRows, err := s.Preview(id)
	if err != nil {
		t.Fatal(err)
	}
	oldMin, oldEvery, oldPar := dropMappedMin, dropMappedEvery, parallelDecodeMin
	dropMappedMin, dropMappedEvery, parallelDecodeMin = 1, 2, 50
	t.Cleanup(func() { dropMappedMin, dropMappedEvery, parallelDecodeMin = oldMin, oldEvery, oldPar })
	got, err := s.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatal("the load dropping mapped pages differs")
	}
	rows, err := s.Preview(id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(rows, wantRows) {
		t.Fatal("the preview dropping mapped pages differs")
	}
}
