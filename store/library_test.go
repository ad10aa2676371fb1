package store

import (
	"bytes"
	"errors"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// teamLibrary is a valid team library with one webhook threat per id given.
func teamLibrary(name, label string, ids ...string) model.Library {
	l := model.Library{Schema: model.LibrarySchema, Name: name, Version: label, Description: "Our own threats"}
	for _, id := range ids {
		l.Threats = append(l.Threats, model.LibraryThreat{
			ID: id, Title: "Replayed webhook " + id, Category: model.Spoofing,
			AppliesTo: []model.ElementKind{model.KindWebhook}, Description: "A captured callback is sent again.",
			Mitigations: []string{"Verify the signature", "Reject stale timestamps"},
			OWASP2025:   []string{"A07:2025"}, OWASP2021: []string{"A07:2021"}, CWE: []string{"CWE-294"},
			Vector: "API Security", Likelihood: 3, Impact: 4,
		})
	}
	return l
}

func TestAddLibraryVersionsByName(t *testing.T) {
	s := newStore(t)
	now := tick()
	if libs, err := s.Libraries(); err != nil || len(libs) != 0 {
		t.Fatalf("fresh workbook lists %v, %v", libs, err)
	}
	if act, err := s.ActiveLibraries(); err != nil || len(act) != 0 {
		t.Fatalf("fresh workbook has active libraries %v, %v", act, err)
	}
	adds := []struct {
		lib  model.Library
		want int
	}{
		{teamLibrary("payments", "v1", "PAY-1"), 1},
		{teamLibrary("identity", "", "ID-1", "ID-2"), 1},
		{teamLibrary(" payments ", "v2", "PAY-1", "PAY-2", "PAY-3"), 2}, // the name is trimmed
		{teamLibrary("payments", "v3", "PAY-1", "PAY-2"), 3},
	}
	var added []string
	for _, a := range adds {
		at := now()
		v, err := s.AddLibrary(a.lib, at)
		if err != nil {
			t.Fatalf("add %q: %v", a.lib.Name, err)
		}
		if v != a.want {
			t.Errorf("add %q: version %d, want %d", a.lib.Name, v, a.want)
		}
		added = append(added, at.String())
	}

	// Reopen: versions are kept in the file.
	path := s.Path()
	s.Close()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	got, err := s.Libraries()
	if err != nil {
		t.Fatal(err)
	}
	type row struct {
		name, label  string
		version, thr int
		active       bool
		added        string
		hasDesc      bool
	}
	var rows []row
	for _, li := range got {
		rows = append(rows, row{li.Name, li.Label, li.Version, li.Threats, li.Active, li.Added.String(), li.Description != ""})
	}
	want := []row{
		{"identity", "", 1, 2, true, added[1], true},
		{"payments", "v1", 1, 1, false, added[0], true},
		{"payments", "v2", 2, 3, false, added[2], true},
		{"payments", "v3", 3, 2, true, added[3], true},
	}
	if !reflect.DeepEqual(rows, want) {
		t.Errorf("Libraries()\n got %v\nwant %v", rows, want)
	}

	active, err := s.ActiveLibraries()
	if err != nil {
		t.Fatal(err)
	}
	if len(active) != 2 || !reflect.DeepEqual(active[0], adds[1].lib) || !reflect.DeepEqual(active[1], adds[3].lib) {
		t.Errorf("active libraries are not the newest versions, unchanged: %+v", active)
	}
}

func TestAddLibraryVersionsPastNine(t *testing.T) {
	s := newStore(t)
	now := tick()
	for i := 1; i <= 11; i++ {
		ids := make([]string, i)
		for j := range ids {
			ids[j] = "T-" + strings.Repeat("x", j+1)
		}
		if _, err := s.AddLibrary(teamLibrary("team", "", ids...), now()); err != nil {
			t.Fatal(err)
		}
	}
	active, err := s.ActiveLibraries()
	if err != nil || len(active) != 1 || len(active[0].Threats) != 11 {
		t.Fatalf("version 11 is not the active one (bbolt orders \"10\" < \"9\"): %v", err)
	}
	infos, _ := s.Libraries()
	if last := infos[len(infos)-1]; last.Version != 11 || !last.Active {
		t.Errorf("last listed %+v", last)
	}
}

func TestAddLibraryRefusesInvalidAndStoresNothing(t *testing.T) {
	s := newStore(t)
	if _, err := s.AddLibrary(teamLibrary("team", "v1", "A-1"), t0); err != nil {
		t.Fatal(err)
	}
	bad := teamLibrary("team", "v2", "A-1", "A-2")
	bad.Threats[1].AppliesTo = []model.ElementKind{model.KindDataStore} // spoofing a data store
	_, err := s.AddLibrary(bad, t0)
	if err == nil || !strings.Contains(err.Error(), "threat 1 (A-2): applies_to") || !strings.Contains(err.Error(), `library "team"`) {
		t.Fatalf("invalid library: %v", err)
	}
	infos, err := s.Libraries()
	if err != nil || len(infos) != 1 || infos[0].Version != 1 {
		t.Errorf("after a refused add: %+v, %v", infos, err)
	}
	// The refused add did not consume a version number either.
	if v, err := s.AddLibrary(teamLibrary("team", "v2", "A-1"), t0); err != nil || v != 2 {
		t.Errorf("next add: version %d, %v", v, err)
	}
}

func TestLibrariesReadOnly(t *testing.T) {
	s := newStore(t)
	if _, err := s.AddLibrary(teamLibrary("team", "", "A-1"), t0); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if act, err := ro.ActiveLibraries(); err != nil || len(act) != 1 {
		t.Errorf("read-only ActiveLibraries: %v, %v", act, err)
	}
	if _, err := ro.AddLibrary(teamLibrary("team", "", "A-1"), t0); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only add: %v", err)
	}
	if _, err := ro.RemoveLibrary("team", 0); !errors.Is(err, ErrReadOnly) {
		t.Errorf("read-only remove: %v", err)
	}
}

func TestRemoveLibrary(t *testing.T) {
	// active lists "name:version" of the active versions, and all every
	// stored one.
	state := func(t *testing.T, s *Store) (active, all []string) {
		t.Helper()
		infos, err := s.Libraries()
		if err != nil {
			t.Fatal(err)
		}
		for _, li := range infos {
			nv := li.Name + ":" + strconv.Itoa(li.Version)
			all = append(all, nv)
			if li.Active {
				active = append(active, nv)
			}
		}
		return active, all
	}
	for _, tc := range []struct {
		name             string
		lib              string
		version          int
		removed          int
		err              string
		active, all      []string
		nextAddOfPayment int
	}{
		{name: "every version", lib: "payments", removed: 3,
			active: []string{"identity:1"}, all: []string{"identity:1"}, nextAddOfPayment: 1},
		{name: "the newest version", lib: " payments ", version: 3, removed: 1,
			active: []string{"identity:1", "payments:2"}, all: []string{"identity:1", "payments:1", "payments:2"}, nextAddOfPayment: 4},
		{name: "an older version", lib: "payments", version: 1, removed: 1,
			active: []string{"identity:1", "payments:3"}, all: []string{"identity:1", "payments:2", "payments:3"}, nextAddOfPayment: 4},
		{name: "the only version", lib: "identity", version: 1, removed: 1,
			active: []string{"payments:3"}, all: []string{"payments:1", "payments:2", "payments:3"}, nextAddOfPayment: 4},
		{name: "an unknown name", lib: "billing", err: `no team library named "billing"`,
			active: []string{"identity:1", "payments:3"}, all: []string{"identity:1", "payments:1", "payments:2", "payments:3"}, nextAddOfPayment: 4},
		{name: "an unknown version", lib: "payments", version: 7, err: `team library "payments" has no version 7`,
			active: []string{"identity:1", "payments:3"}, all: []string{"identity:1", "payments:1", "payments:2", "payments:3"}, nextAddOfPayment: 4},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := newStore(t)
			for _, l := range []model.Library{
				teamLibrary("payments", "v1", "PAY-1"), teamLibrary("payments", "v2", "PAY-2"),
				teamLibrary("payments", "v3", "PAY-3"), teamLibrary("identity", "", "ID-1"),
			} {
				if _, err := s.AddLibrary(l, t0); err != nil {
					t.Fatal(err)
				}
			}
			n, err := s.RemoveLibrary(tc.lib, tc.version)
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || !errors.Is(err, ErrNotFound) {
					t.Errorf("got %v, want an error saying %q", err, tc.err)
				}
			} else if err != nil || n != tc.removed {
				t.Errorf("removed %d, %v; want %d", n, err, tc.removed)
			}
			active, all := state(t, s)
			if !slices.Equal(active, tc.active) || !slices.Equal(all, tc.all) {
				t.Errorf("after: active %v, stored %v\nwant active %v, stored %v", active, all, tc.active, tc.all)
			}
			// Suggestions draw on what is left.
			act, err := s.ActiveLibraries()
			if err != nil || len(act) != len(tc.active) {
				t.Errorf("ActiveLibraries: %d, %v; want %d", len(act), err, len(tc.active))
			}
			if v, err := s.AddLibrary(teamLibrary("payments", "again", "PAY-9"), t0); err != nil || v != tc.nextAddOfPayment {
				t.Errorf("next add of payments: version %d, %v; want %d", v, err, tc.nextAddOfPayment)
			}
		})
	}
}

func TestDamagedLibraryIsReported(t *testing.T) {
	s := newStore(t)
	if _, err := s.AddLibrary(teamLibrary("team", "", "A-1"), t0); err != nil {
		t.Fatal(err)
	}
	err := s.db.Update(func(tx *bolt.Tx) error {
		return tx.Bucket(bucketLibraries).Bucket([]byte("team")).Bucket([]byte("1")).Put(keyLibraryData, []byte("{not json"))
	})
	if err != nil {
		t.Fatal(err)
	}
	_, err = s.ActiveLibraries()
	if ce, ok := errors.AsType[*CorruptError](err); !ok || !strings.Contains(ce.Detail, `library "team" version 1`) {
		t.Errorf("damaged library: %v", err)
	}
	// The checksum catches it at the next open too, which refuses the file
	// and leaves it as it was.
	path := s.Path()
	s.Close()
	before := readFile(t, path)
	if _, err := Open(path, Options{}); !isCorrupt(err) || !strings.Contains(err.Error(), "libraries/team/1") {
		t.Errorf("reopening: %v", err)
	}
	if !bytes.Equal(before, readFile(t, path)) {
		t.Error("the damaged workbook was written")
	}
}

// TestSuggestionsDrawOnStoredLibraries is the whole path a user takes: add
// a team library, suggest for a stored model, accept one suggestion and
// dismiss another, each committed as its own edit, reopen the workbook and
// suggest again: neither comes back, and the accepted threat is linked and
// carries the library's mitigations.
func TestSuggestionsDrawOnStoredLibraries(t *testing.T) {
	s := newStore(t)
	now := tick()
	if _, err := s.AddLibrary(teamLibrary("payments", "", "PAY-1", "PAY-2"), now()); err != nil {
		t.Fatal(err)
	}
	m, err := model.New("Checkout", "Payments", t0)
	if err != nil {
		t.Fatal(err)
	}
	must(t)(m.PutAsset(model.Asset{Name: "Card data", Sensitivity: model.Restricted}, now()))
	must(t)(m.PutElement(model.SurfaceElement{Name: "Stripe webhook", Kind: model.KindWebhook}, now()))
	must(t)(m.PutElement(model.SurfaceElement{Name: "Orders DB", Kind: model.KindDataStore}, now()))
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}

	suggest := func() []model.Suggestion {
		t.Helper()
		team, err := s.ActiveLibraries()
		if err != nil {
			t.Fatal(err)
		}
		m, err := s.Load(id)
		if err != nil {
			t.Fatal(err)
		}
		return model.Suggest(m, model.SuggestionLibraries(team)...)
	}
	ids := func(ss []model.Suggestion) []string {
		var out []string
		for _, s := range ss {
			out = append(out, s.Threat.ID)
		}
		return out
	}
	first := suggest()
	if !slices.Contains(ids(first), "PAY-1") || !slices.Contains(ids(first), "PAY-2") {
		t.Fatalf("team threats not suggested: %v", ids(first))
	}
	var builtinID string
	for _, sg := range first {
		if strings.HasPrefix(sg.Threat.ID, "TDL-") && sg.Threat.Category == model.InformationDisclosure {
			builtinID = sg.Threat.ID
			break
		}
	}
	if builtinID == "" {
		t.Fatal("no built-in disclosure threat suggested for a data store holding restricted data")
	}

	m, err = s.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(first, func(sg model.Suggestion) bool { return sg.Threat.ID == "PAY-1" })
	if err := s.Commit(id, must(t)(m.Accept(first[i], now())).Do); err != nil {
		t.Fatal(err)
	}
	if err := s.Commit(id, must(t)(m.Dismiss(builtinID, now())).Do); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()

	again := ids(suggest())
	for _, gone := range []string{"PAY-1", builtinID} {
		if slices.Contains(again, gone) {
			t.Errorf("%s came back after reload: %v", gone, again)
		}
	}
	if !slices.Contains(again, "PAY-2") {
		t.Errorf("PAY-2 should still be suggested: %v", again)
	}
	m, err = s.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Threats) != 1 {
		t.Fatalf("threats after reload: %+v", m.Threats)
	}
	th := m.Threats[0]
	if th.LibraryID != "PAY-1" || !slices.Equal(th.Surface, []string{"SE-001"}) || len(th.Mitigations) != 2 ||
		th.Mitigations[0].Status != model.MitigationPlanned || th.Mitigations[0].Description != "Verify the signature" {
		t.Errorf("accepted threat after reload: %+v", th)
	}
}
