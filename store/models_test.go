package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// recordsJSON renders a model's records comparably: values as their JSON,
// which is what the store persists. The model is normalized first, as Load
// does: mutators may leave nil lists that Load returns empty.
func recordsJSON(t testing.TB, m *model.Model) []string {
	t.Helper()
	m.Normalize()
	var out []string
	for _, r := range m.Records() {
		b, err := json.Marshal(r.Value)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, string(r.Kind)+"|"+r.ID+"|"+string(b))
	}
	return out
}

func TestRoundTripRichModel(t *testing.T) {
	t.Run("one decoder", testRoundTrip)
	t.Run("split decode", func(t *testing.T) {
		splitDecode(t)
		testRoundTrip(t)
	})
}

func testRoundTrip(t *testing.T) {
	s := newStore(t)
	m := richModel(t, "Payments")
	want := recordsJSON(t, m)
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	if id != "1" || m.ID != "1" {
		t.Fatalf("first model id = %q (m.ID %q), want \"1\"", id, m.ID)
	}
	path := s.Path()
	s.Close()

	s2, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	got, err := s2.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if got.ID != id {
		t.Errorf("loaded ID = %q, want %q", got.ID, id)
	}
	if g := recordsJSON(t, got); !reflect.DeepEqual(g, want) {
		for i := range max(len(g), len(want)) {
			var a, b string
			if i < len(g) {
				a = g[i]
			}
			if i < len(want) {
				b = want[i]
			}
			if a != b {
				t.Errorf("record %d:\n got %s\nwant %s", i, a, b)
			}
		}
	}
	// The in-memory model compares equal too, beyond its JSON form.
	m.ID = id
	if !reflect.DeepEqual(got, m) {
		t.Error("loaded model differs from the saved one")
	}
}

func TestCreateIssuesSequentialIDs(t *testing.T) {
	s := newStore(t)
	for want := range []string{"1", "2", "3"} {
		m, _ := model.New("M", "", t0)
		id, err := s.Create(m)
		if err != nil {
			t.Fatal(err)
		}
		if id != []string{"1", "2", "3"}[want] {
			t.Fatalf("id = %q, want %d", id, want+1)
		}
	}
	// A deleted model's id is never handed out again.
	if err := s.Delete("3"); err != nil {
		t.Fatal(err)
	}
	m, _ := model.New("M", "", t0)
	if id, _ := s.Create(m); id != "4" {
		t.Fatalf("id after delete = %q, want 4", id)
	}
}

func TestCommitAndUndoPersist(t *testing.T) {
	s := newStore(t)
	m := richModel(t, "Payments")
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	now := tick()

	th, _ := m.Threat("T-002")
	th.Likelihood, th.Status = 5, model.StatusAccepted
	edit := must(t)(m.PutThreat(th, now()))
	if err := s.Commit(id, edit.Do); err != nil {
		t.Fatal(err)
	}
	del := must(t)(m.DeleteAsset("AS-002", now()))
	if err := s.Commit(id, del.Do); err != nil {
		t.Fatal(err)
	}
	afterEdits := recordsJSON(t, m)
	got, err := s.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(recordsJSON(t, got), afterEdits) {
		t.Fatal("loaded model does not show the committed edits")
	}
	if _, ok := got.Asset("AS-002"); ok {
		t.Fatal("deleted asset is still stored")
	}
	if g, _ := got.Threat("T-001"); reflect.DeepEqual(g.Assets, []string{"AS-001", "AS-002"}) {
		t.Fatal("the unlinking of the deleted asset was not stored")
	}

	// Undo both, persisting each undo like any edit.
	for _, undo := range []model.Edit{del.Undo, edit.Undo} {
		ch := m.Revert(undo, now())
		if err := s.Commit(id, ch.Do); err != nil {
			t.Fatal(err)
		}
	}
	got, err = s.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if a, ok := got.Asset("AS-002"); !ok || a.Name != "Session tokens" {
		t.Fatalf("undone delete not persisted: %+v %v", a, ok)
	}
	if g, _ := got.Threat("T-002"); g.Likelihood != 2 || g.Status != model.StatusMitigated {
		t.Fatalf("undone edit not persisted: %+v", g)
	}
	if !reflect.DeepEqual(recordsJSON(t, got), recordsJSON(t, m)) {
		t.Fatal("stored model differs from the in-memory one after undo")
	}
}

func TestCommitErrors(t *testing.T) {
	s := newStore(t)
	m, _ := model.New("M", "", t0)
	id, _ := s.Create(m)
	tests := []struct {
		name  string
		model string
		edit  model.Edit
		is    error
	}{
		{"missing model", "99", model.Edit{Records: []model.Record{{Kind: model.RecAsset, ID: "AS-1", Value: model.Asset{}}}}, ErrNotFound},
		{"unknown kind", id, model.Edit{Records: []model.Record{{Kind: "gadget", ID: "G-1", Value: 1}}}, nil},
		{"no id", id, model.Edit{Records: []model.Record{{Kind: model.RecAsset, Value: model.Asset{}}}}, nil},
		{"unencodable", id, model.Edit{Records: []model.Record{{Kind: model.RecExtension, ID: "x", Value: func() {}}}}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := s.Commit(tt.model, tt.edit)
			if err == nil {
				t.Fatal("Commit succeeded")
			}
			if tt.is != nil && !errors.Is(err, tt.is) {
				t.Fatalf("error %v is not %v", err, tt.is)
			}
		})
	}
	// A failed commit writes nothing: the edit is all or nothing.
	bad := model.Edit{Records: []model.Record{
		{Kind: model.RecAsset, ID: "AS-009", Value: model.Asset{ID: "AS-009", Name: "half"}},
		{Kind: model.RecAsset, Value: model.Asset{}},
	}}
	if err := s.Commit(id, bad); err == nil {
		t.Fatal("Commit of a bad edit succeeded")
	}
	got, _ := s.Load(id)
	if _, ok := got.Asset("AS-009"); ok {
		t.Fatal("part of a failed edit was stored")
	}
}

func TestListAndDelete(t *testing.T) {
	s := newStore(t)
	if l, err := s.List(); err != nil || len(l) != 0 {
		t.Fatalf("empty workbook List = %v, %v", l, err)
	}
	rich := richModel(t, "Payments")
	ids := []string{}
	for _, m := range []*model.Model{rich, mustNew(t, "Second", "Bo")} {
		id, err := s.Create(m)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, id)
	}
	l, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	want := []model.Summary{rich.Summarize(), mustNew(t, "Second", "Bo").Summarize()}
	want[1].ID = "2"
	if !reflect.DeepEqual(l, want) {
		t.Fatalf("List =\n%+v\nwant\n%+v", l, want)
	}
	if err := s.Delete(ids[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Load(ids[0]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("Load of deleted model: %v", err)
	}
	if err := s.Delete(ids[0]); !errors.Is(err, ErrNotFound) {
		t.Fatalf("second Delete: %v", err)
	}
	if l, _ := s.List(); len(l) != 1 || l[0].ID != "2" {
		t.Fatalf("List after delete = %+v", l)
	}
}

func TestListOrdersIDsNumerically(t *testing.T) {
	s := newStore(t)
	for range 11 {
		if _, err := s.Create(mustNew(t, "M", "")); err != nil {
			t.Fatal(err)
		}
	}
	l, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, x := range l {
		got = append(got, x.ID)
	}
	want := []string{"1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11"}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("ids = %v", got)
	}
}

func TestFind(t *testing.T) {
	s := newStore(t)
	for _, title := range []string{"Payments", "Mobile App", "mobile app", "7", "1"} {
		if _, err := s.Create(mustNew(t, title, "")); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		ref    string
		wantID string
		err    error
	}{
		{"payments", "1", nil},
		{"  PAYMENTS ", "1", nil},
		{"1", "1", nil}, // model 5 is titled "1", but an id wins over a title
		{"7", "4", nil}, // no model 7: the title "7" matches model 4
		{"Mobile App", "", &AmbiguousError{}},
		{"nope", "", ErrNotFound},
		{"", "", ErrNotFound},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			m, err := s.Find(tt.ref)
			switch want := tt.err.(type) {
			case nil:
				if err != nil {
					t.Fatal(err)
				}
				if m.ID != tt.wantID {
					t.Fatalf("Find(%q) = model %s, want %s", tt.ref, m.ID, tt.wantID)
				}
			case *AmbiguousError:
				ae, ok := errors.AsType[*AmbiguousError](err)
				if !ok || !reflect.DeepEqual(ae.IDs, []string{"2", "3"}) {
					t.Fatalf("Find(%q) error = %v, want ambiguous between 2 and 3", tt.ref, err)
				}
			default:
				if !errors.Is(err, want) {
					t.Fatalf("Find(%q) error = %v, want %v", tt.ref, err, want)
				}
			}
		})
	}
}

func TestReadOnlyRefusesWrites(t *testing.T) {
	s := newStore(t)
	id, _ := s.Create(mustNew(t, "M", ""))
	path := s.Path()
	s.Close()
	before := readFile(t, path)

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if _, err := ro.Load(id); err != nil {
		t.Fatal(err)
	}
	if _, err := ro.Create(mustNew(t, "N", "")); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("Create on read-only store: %v", err)
	}
	if err := ro.SetPosition(model.Position{ModelID: id}); !errors.Is(err, ErrReadOnly) {
		t.Fatalf("SetPosition on read-only store: %v", err)
	}
	// Two readers may share the file.
	ro2, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("second reader: %v", err)
	}
	ro2.Close()
	ro.Close()
	if !reflect.DeepEqual(before, readFile(t, path)) {
		t.Fatal("a read-only session changed the file")
	}
}

func mustNew(t testing.TB, title, owner string) *model.Model {
	t.Helper()
	m, err := model.New(title, owner, t0)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// TestDamagedRecord: a record that does not decode is reported with the
// model and record named, and the rest of the workbook stays usable.
func TestDamagedRecord(t *testing.T) {
	t.Run("one decoder", testDamagedRecord)
	t.Run("split decode", func(t *testing.T) {
		splitDecode(t)
		testDamagedRecord(t)
	})
}

// splitDecode makes every bucket decode in parallel parts, as large ones do.
func splitDecode(t *testing.T) {
	oldMin, oldProcs := parallelDecodeMin, runtime.GOMAXPROCS(4)
	parallelDecodeMin = 1
	t.Cleanup(func() { parallelDecodeMin = oldMin; runtime.GOMAXPROCS(oldProcs) })
}

func testDamagedRecord(t *testing.T) {
	s := newStore(t)
	good, _ := s.Create(richModel(t, "Good"))
	bad, _ := s.Create(richModel(t, "Bad"))
	path := s.Path()
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	err = db.Update(func(tx *bolt.Tx) error {
		return modelBucket(tx, bad).Bucket([]byte(model.RecThreat)).Put([]byte("T-002"), []byte(`{"id":"T-002","likelihood":"high"}`))
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}

	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = s.Load(bad)
	ce, ok := errors.AsType[*CorruptError](err)
	if !ok || !strings.Contains(err.Error(), "model 2") || !strings.Contains(err.Error(), `"T-002"`) {
		t.Fatalf("Load of the damaged model: %v", err)
	}
	if ce.fault {
		t.Error("a decode error was reported as a fault")
	}
	if _, err := s.Load(good); err != nil {
		t.Fatalf("the undamaged model no longer loads: %v", err)
	}
	// The healthy model lists; the damaged one is listed with its damage.
	sums, err := s.List()
	if err != nil || len(sums) != 2 || sums[0].Damage != "" || sums[1].Damage == "" || sums[1].Title != "Bad" {
		t.Fatalf("List of a workbook with one damaged model: %+v, %v", sums, err)
	}
	// Nothing more is written to a damaged workbook, whatever the write.
	before := readFile(t, path)
	for name, write := range map[string]func() error{
		"create":   func() error { _, err := s.Create(mustNew(t, "After", "")); return err },
		"commit":   func() error { return s.Commit(good, model.Edit{}) },
		"delete":   func() error { return s.Delete(bad) },
		"position": func() error { return s.SetPosition(model.Position{ModelID: good}) },
	} {
		err := write()
		if _, ok := errors.AsType[*CorruptError](err); !ok || err.Error() != s.Damaged().Error() || !strings.Contains(err.Error(), path) {
			t.Errorf("%s on a damaged workbook: %v", name, err)
		}
	}
	s.Close()
	if !bytes.Equal(before, readFile(t, path)) {
		t.Error("a damaged workbook was written")
	}
}

// Record pages are packed (recordFill), whether a model arrives whole or
// one threat at a time: at bbolt's default they were 42% full, doubling the
// file and the pages a load touches.
func TestRecordPagesArePacked(t *testing.T) {
	s := newStore(t)
	m := bigModel(t)
	more := slices.Clone(m.Threats[1500:1800])
	m.Threats = m.Threats[:1500]
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	checkFill := func(when string, threats int, min float64) {
		t.Helper()
		err := s.db.View(func(tx *bolt.Tx) error {
			st := modelBucket(tx, id).Bucket([]byte(model.RecThreat)).Stats()
			if st.KeyN != threats {
				t.Errorf("%s: %d threats stored, want %d", when, st.KeyN, threats)
			}
			if fill := float64(st.LeafInuse) / float64(st.LeafAlloc); fill < min {
				t.Errorf("%s: threat pages are %.0f%% full (%d pages for %d bytes), want at least %.0f%%",
					when, 100*fill, st.LeafPageN, st.LeafInuse, 100*min)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	checkFill("created whole", 1500, 0.8)
	// Then grow it the way the TUI does, one new threat per commit. New ids
	// land between old ones in byte order ("T-1501" before "T-151"), so
	// some pages split part-full: 71% here, against 42% at the default.
	for i := range more {
		th := more[i]
		th.ID = ""
		e, err := m.PutThreat(th, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(id, e.Do); err != nil {
			t.Fatal(err)
		}
	}
	checkFill("grown by commits", 1800, 0.65)
}
