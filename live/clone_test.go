package live

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// fill sets every field reachable from v (recursively through structs,
// slices, maps and pointers) to something non-zero: two elements per
// slice, one entry per map, a value behind every pointer. A field of a
// new type is filled too, so the clone tests below cover it unasked.
func fill(v reflect.Value, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", depth))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(depth + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(depth + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(depth) + 0.5)
	case reflect.Struct:
		if v.Type().PkgPath() == "time" {
			return // unexported wall clock; zero is fine
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Interface:
		// Record values: set per kind by the tests.
	}
}

// shared reports the first path at which a and b (equal values) share
// memory a change through one would show through the other: a slice's
// backing array, a map or a pointee. Strings may be shared.
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for _, k := range a.MapKeys() {
			if p := shared(a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%v]", path, k)); p != "" {
				return p
			}
		}
	case reflect.Pointer:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return path
		}
		if !a.IsNil() && !b.IsNil() {
			return shared(a.Elem(), b.Elem(), path)
		}
	case reflect.Interface:
		if !a.IsNil() && !b.IsNil() {
			return shared(a.Elem(), b.Elem(), path)
		}
	}
	return ""
}

// A session's copy holds the model's records (its lists are shared until
// written, see TestSessionEditsStayPrivate) and maps of its own.
func TestCloneModelCopiesMaps(t *testing.T) {
	var m model.Model
	fill(reflect.ValueOf(&m).Elem(), 0)
	c := cloneModel(&m)
	if !reflect.DeepEqual(m.Records(), c.Records()) {
		t.Fatalf("the clone differs from the model:\n%+v\n%+v", m, *c)
	}
	mv, cv := reflect.ValueOf(m), reflect.ValueOf(*c)
	for i := range mv.NumField() {
		if f := mv.Type().Field(i); f.IsExported() && f.Type.Kind() == reflect.Map {
			if p := shared(mv.Field(i), cv.Field(i), "Model."+f.Name); p != "" {
				t.Errorf("cloneModel shares %s with the model it copied", p)
			}
		}
	}
}

// modelJSON is m as stored: everything an edit could reach.
func modelJSON(t *testing.T, m *model.Model) string {
	t.Helper()
	b, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// Sessions share the host's model: an edit in session A changes neither
// the host's model nor session B's until it is committed and B applies
// its event, and then B is the host's model again, for every kind of edit.
func TestSessionEditsStayPrivate(t *testing.T) {
	h, _ := newHost(t)
	id, err := h.guest().Create(model.Example(t0))
	if err != nil {
		t.Fatal(err)
	}
	// The host's own copy is made when a second session opens the model.
	for range 2 {
		if _, err := h.Load(id); err != nil {
			t.Fatal(err)
		}
	}
	a := newReplica(t, join(t, h, "ana", model.RoleParticipant), id)
	b := newReplica(t, join(t, h, "bo", model.RoleParticipant), id)
	at := t0.Add(time.Hour)
	edits := []struct {
		name string
		edit func(m *model.Model) (model.Change, error)
	}{
		{"threat", func(m *model.Model) (model.Change, error) {
			th := m.Threats[0]
			th.Title = "Changed by ana"
			th.Mitigations = slices.Clone(th.Mitigations)
			th.Mitigations[0].Status = th.Mitigations[0].Status.Next()
			return m.PutThreat(th, at)
		}},
		{"new threat", func(m *model.Model) (model.Change, error) {
			return m.PutThreat(threat("new"), at)
		}},
		{"asset deleted", func(m *model.Model) (model.Change, error) { return m.DeleteAsset(m.Assets[0].ID, at) }},
		{"element deleted", func(m *model.Model) (model.Change, error) { return m.DeleteElement(m.Surface[0].ID, at) }},
		{"threat deleted", func(m *model.Model) (model.Change, error) { return m.DeleteThreat(m.Threats[1].ID, at) }},
		{"actor", func(m *model.Model) (model.Change, error) {
			x := m.Actors[0]
			x.Name = "Renamed"
			return m.PutActor(x, at)
		}},
		{"stride", func(m *model.Model) (model.Change, error) {
			r := m.Stride[3]
			r.Reviewed, r.Note = true, "considered by ana"
			return m.PutStride(r, at)
		}},
		{"check", func(m *model.Model) (model.Change, error) {
			return m.PutCheck(model.CheckItem{List: model.ListControls, Title: "Ana's control", Threats: []string{m.Threats[0].ID}}, at)
		}},
		{"parking", func(m *model.Model) (model.Change, error) {
			return m.PutParking(model.ParkingItem{Text: "ask ops"}, at)
		}},
		{"dismissed", func(m *model.Model) (model.Change, error) { return m.DismissWithReason("LIB-9", "not ours", at) }},
		{"poker started", func(m *model.Model) (model.Change, error) { return m.StartPoker(m.Threats[2].ID, "ana", at) }},
		{"vote", func(m *model.Model) (model.Change, error) { return m.CastVote(m.Threats[2].ID, "ana", 4, 4, at) }},
		{"poker revealed", func(m *model.Model) (model.Change, error) { return m.RevealPoker(m.Threats[2].ID, at) }},
		{"poker recorded", func(m *model.Model) (model.Change, error) { return m.RecordPoker(m.Threats[2].ID, 4, 4, "ana", at) }},
		{"session", func(m *model.Model) (model.Change, error) {
			return m.PutSession(model.SessionRecord{ID: model.SessionID(at), Facilitator: "ana", Started: at,
				Attendees: []model.Attendance{{Name: "ana", Role: model.RoleParticipant, Joined: at}}})
		}},
	}
	for _, tc := range edits {
		host, _ := h.Load(id)
		wantHost, wantB := modelJSON(t, host), modelJSON(t, b.m)
		ch, err := tc.edit(a.m)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if modelJSON(t, a.m) == wantB {
			t.Fatalf("%s: the edit did not change session A's model", tc.name)
		}
		host2, _ := h.Load(id)
		if modelJSON(t, host) != wantHost || modelJSON(t, host2) != wantHost {
			t.Fatalf("%s: session A's edit showed in the host's model before it was committed", tc.name)
		}
		if modelJSON(t, b.m) != wantB {
			t.Fatalf("%s: session A's edit showed in session B's model", tc.name)
		}
		if err := a.wb.Commit(id, ch.Do); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if modelJSON(t, b.m) != wantB {
			t.Fatalf("%s: the commit changed session B's model before B applied its event", tc.name)
		}
		h.mu.Lock()
		seq := h.seq
		h.mu.Unlock()
		a.until(seq)
		b.until(seq)
		now, _ := h.Load(id)
		sameModel(t, tc.name+": session B", b.m, now)
		sameModel(t, tc.name+": session A", a.m, now)
		// Both share the host's threats again: B took them, A's own
		// edit echoed left its copy equal to them.
		h.mu.Lock()
		hostThreats := h.cache[id].Threats
		h.mu.Unlock()
		for who, m := range map[string]*model.Model{"A": a.m, "B": b.m} {
			if len(m.Threats) > 0 && &m.Threats[0] != &hostThreats[0] {
				t.Errorf("%s: session %s keeps threats of its own", tc.name, who)
			}
		}
	}
}

// cloneEdit copies every record value it carries as deeply, whatever its
// kind, passed plain or by pointer.
func TestCloneEditIsDeep(t *testing.T) {
	for _, k := range model.RecordKinds {
		ptr, err := model.NewRecordValue(k)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		fill(reflect.ValueOf(ptr).Elem(), 0)
		for _, v := range []any{ptr, reflect.ValueOf(ptr).Elem().Interface()} {
			e := model.Edit{Records: []model.Record{{Kind: k, ID: "x", Value: v}}}
			c := cloneEdit(e)
			want := reflect.ValueOf(ptr).Elem().Interface()
			if !reflect.DeepEqual(c.Records[0].Value, want) {
				t.Fatalf("%s: the clone differs:\n%+v\n%+v", k, c.Records[0].Value, want)
			}
			if p := shared(reflect.ValueOf(want), reflect.ValueOf(c.Records[0].Value), string(k)); p != "" {
				t.Errorf("cloneEdit shares %s of a %s record", p, k)
			}
		}
	}
}
