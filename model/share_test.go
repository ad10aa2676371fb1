package model

import (
	"encoding/json"
	"reflect"
	"slices"
	"testing"
	"time"
)

var shareT0 = time.Date(2026, 3, 14, 9, 30, 0, 0, time.UTC)

// A model shares every list with its Share, and ownList copies every one
// of them: a list field added to Model without a bit of its own fails
// here, since its array would stay shared and be written in place.
func TestShareCoversEveryList(t *testing.T) {
	var m Model
	v := reflect.ValueOf(&m).Elem()
	var slices []int
	for i := range v.NumField() {
		if f := v.Field(i); f.Kind() == reflect.Slice && v.Type().Field(i).IsExported() {
			f.Set(reflect.MakeSlice(f.Type(), 1, 1))
			slices = append(slices, i)
		}
	}
	s := m.Share()
	sv := reflect.ValueOf(s).Elem()
	for _, i := range slices {
		if sv.Field(i).Pointer() != v.Field(i).Pointer() {
			t.Errorf("Share copied %s; it should share it", v.Type().Field(i).Name)
		}
		if sv.Field(i).Cap() != 1 || v.Field(i).Cap() != 1 {
			t.Errorf("Share left room to append to %s in place", v.Type().Field(i).Name)
		}
	}
	s.ownList(allLists)
	m.ownList(allLists)
	for _, i := range slices {
		if sv.Field(i).Pointer() == v.Field(i).Pointer() {
			t.Errorf("owning every list still shares %s", v.Type().Field(i).Name)
		}
	}
}

// jsonOf is m as stored: everything a change could reach.
func jsonOf(t *testing.T, m *Model) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Every mutator, run on a model's Share, leaves the model as it was,
// and its own changes land in the copy.
func TestShareEditsStayPrivate(t *testing.T) {
	at := shareT0.Add(time.Hour)
	edits := []struct {
		name string
		edit func(m *Model) (Change, error)
	}{
		{"put threat", func(m *Model) (Change, error) {
			th := m.Threats[0]
			th.Title, th.Likelihood = "Changed", 1
			// Inner lists are copied before they are changed, as the
			// TUI does: a record's copy shares them with the model.
			th.Mitigations = slices.Clone(th.Mitigations)
			th.Mitigations[0].Status = MitigationWontDo
			th.Mitigations[0].Reason = "no budget"
			return m.PutThreat(th, at)
		}},
		{"add threat", func(m *Model) (Change, error) {
			return m.PutThreat(Threat{Title: "New", Category: Tampering, Likelihood: 2, Impact: 2}, at)
		}},
		{"delete asset", func(m *Model) (Change, error) { return m.DeleteAsset(m.Assets[0].ID, at) }},
		{"delete element", func(m *Model) (Change, error) { return m.DeleteElement(m.Surface[0].ID, at) }},
		{"delete threat", func(m *Model) (Change, error) { return m.DeleteThreat(m.Threats[0].ID, at) }},
		{"stride", func(m *Model) (Change, error) {
			r := m.Stride[2]
			r.Reviewed, r.Note = true, "considered"
			return m.PutStride(r, at)
		}},
		{"add check", func(m *Model) (Change, error) {
			return m.PutCheck(CheckItem{List: ListControls, Title: "New control", Threats: []string{m.Threats[1].ID}}, at)
		}},
		{"parking", func(m *Model) (Change, error) { return m.PutParking(ParkingItem{Text: "later"}, at) }},
		{"dismiss", func(m *Model) (Change, error) { return m.DismissWithReason("LIB-1", "not ours", at) }},
		{"actor", func(m *Model) (Change, error) {
			a := m.Actors[0]
			a.Name = "Renamed"
			return m.PutActor(a, at)
		}},
		{"extension", func(m *Model) (Change, error) { return m.SetExtension("tool", []byte(`{"a":1}`), at), nil }},
	}
	for _, tc := range edits {
		t.Run(tc.name, func(t *testing.T) {
			host := Example(shareT0)
			want := jsonOf(t, host)
			a, b := host.Share(), host.Share()
			ch, err := tc.edit(a)
			if err != nil {
				t.Fatal(err)
			}
			if jsonOf(t, host) != want || jsonOf(t, b) != want {
				t.Fatalf("an edit of one copy changed the model or another copy")
			}
			if jsonOf(t, a) == want {
				t.Fatalf("the edit did not change its own copy")
			}
			// Undone, the copy is the model again (but for id counters,
			// which only move forward).
			a.Apply(ch.Undo)
			if !reflect.DeepEqual(noSeq(a.Records()), noSeq(host.Records())) {
				t.Fatalf("undo did not restore the copy")
			}
		})
	}
}

// sameList is reflect.DeepEqual, whether records share their bits or not.
func TestSameList(t *testing.T) {
	a := Example(shareT0).Threats
	b := Example(shareT0).Threats // the same records, every string its own
	if !sameList(a, b) || !sameList(a, slices.Clone(a)) {
		t.Errorf("equal threats reported different")
	}
	c := slices.Clone(a)
	c[len(c)-1].Mitigations = slices.Clone(c[len(c)-1].Mitigations)
	c[len(c)-1].Mitigations[0].Owner = "someone"
	d := slices.Clone(a)
	d[2].Vote = &RiskDecision{Likelihood: 1}
	for _, x := range [][]Threat{c, d, a[1:], nil} {
		if sameList(a, x) != reflect.DeepEqual(a, x) {
			t.Errorf("sameList differs from reflect.DeepEqual")
		}
	}
	if sameList([]Threat{}, nil) {
		t.Errorf("empty and nil reported the same")
	}
}

func noSeq(recs []Record) []Record {
	return slices.DeleteFunc(recs, func(r Record) bool { return r.Kind == RecSeq })
}

// An edit carrying the host's lists is taken by a session still on them,
// giving what applying it would, with the same undo; a session whose
// list is its own applies it.
func TestWithListsTakesTheHostsLists(t *testing.T) {
	host := Example(shareT0)
	watcher, editor, plain := host.Share(), host.Share(), host.Share()
	// The editor changed its threats first, so they are its own.
	th := editor.Threats[3]
	th.Description = "local"
	if _, err := editor.PutThreat(th, shareT0); err != nil {
		t.Fatal(err)
	}
	before := host.SharedLists()
	th = host.Threats[1]
	th.Title = "Renamed by the host"
	ch, err := host.PutThreat(th, shareT0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	e := ch.Do.WithLists(before, host.SharedLists())

	wantUndo := plain.Apply(ch.Do)
	undo := watcher.Apply(e)
	if &watcher.Threats[0] != &host.Threats[0] {
		t.Errorf("the watching session copied the threats instead of taking the host's")
	}
	if !reflect.DeepEqual(undo, wantUndo) {
		t.Errorf("undo differs:\n got %+v\nwant %+v", undo, wantUndo)
	}
	if !reflect.DeepEqual(watcher.Records(), plain.Records()) || !reflect.DeepEqual(watcher.Records(), host.Records()) {
		t.Errorf("taking the host's lists gave another model than applying the edit")
	}
	editor.Apply(e)
	if &editor.Threats[0] == &host.Threats[0] {
		t.Errorf("a session with threats of its own took the host's, losing its change")
	}
	if got, _ := editor.Threat(th.ID); got.Title != th.Title {
		t.Errorf("the editor did not get the host's edit: %q", got.Title)
	}
	// The editor's own edit, echoed, leaves its threats the host's: it
	// takes the host's back rather than keep a copy.
	mine := editor.Threats[4]
	mine.Title = "Edited in the editor's session"
	if _, err := editor.PutThreat(mine, shareT0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	before = host.SharedLists()
	ch, err = host.PutThreat(mine, shareT0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	// Before the echo, the editor's threats differ from the host's in
	// threat 3, edited in the editor alone: it keeps them.
	editor.Apply(ch.Do.WithLists(before, host.SharedLists()))
	if &editor.Threats[0] == &host.Threats[0] {
		t.Errorf("the editor took the host's threats, losing its own change to %s", editor.Threats[3].ID)
	}
	th3 := editor.Threats[3]
	before = host.SharedLists()
	ch, err = host.PutThreat(th3, shareT0)
	if err != nil {
		t.Fatal(err)
	}
	editor.Apply(ch.Do.WithLists(before, host.SharedLists()))
	if &editor.Threats[0] != &host.Threats[0] {
		t.Errorf("the editor kept its own threats once they were the host's again")
	}
	if !reflect.DeepEqual(editor.Records(), host.Records()) {
		t.Errorf("the editor rejoined the host's lists with another model")
	}
	// A session on other shared lists than the edit's (one that read
	// the model again while edits were on their way) applies it: the
	// host's after holds edits that session has not seen yet, or has.
	behind := plain.Share()
	unseen := host.Threats[2]
	unseen.Title = "Not seen by the session behind"
	if _, err := host.PutThreat(unseen, shareT0.Add(time.Minute)); err != nil {
		t.Fatal(err)
	}
	before = host.SharedLists()
	th.Impact = 5
	ch, err = host.PutThreat(th, shareT0.Add(time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	behind.Apply(ch.Do.WithLists(before, host.SharedLists()))
	if got, _ := behind.Threat(unseen.ID); got.Title == unseen.Title {
		t.Errorf("a session behind the host took lists with an edit it never applied")
	}
	if got, _ := behind.Threat(th.ID); got.Impact != 5 {
		t.Errorf("a session behind the host did not apply the edit")
	}
	// The host's next edit copies; what the sessions took stays as it was.
	shown := watcher.Threats[1].Title
	th.Title = "Again"
	if _, err := host.PutThreat(th, shareT0.Add(2*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if watcher.Threats[1].Title != shown {
		t.Errorf("the host's next edit showed through a session's model")
	}
}
