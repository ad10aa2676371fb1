package export

import (
	"bytes"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

const goldenJSON = "../testdata/example-threat-model.golden.json"

func mustJSON(t testing.TB, m *model.Model) []byte {
	t.Helper()
	data, err := JSON(m)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

func TestJSONExampleGolden(t *testing.T) {
	checkGolden(t, goldenJSON, mustJSON(t, model.Example(model.ExampleDate)))
}

// TestJSONRoundTrip: export → ParseJSON → export gives identical bytes and
// an equal model.
func TestJSONRoundTrip(t *testing.T) {
	for name, m := range map[string]*model.Model{
		"example": model.Example(model.ExampleDate),
		"empty":   func() *model.Model { m, _ := model.New("Empty", "", model.ExampleDate); return m }(),
		"big":     bigModel(300, 40, 20),
		"extensions": func() *model.Model {
			m := model.Example(model.ExampleDate)
			m.SetExtension("threat-dragon", []byte(`{"diagrams":[{"id":1,"cells":[{"x":1.5,"attrs":{"<b>":"&"}}]}]}`), model.ExampleDate)
			m.Dismiss("TDL-S-001", model.ExampleDate)
			return m
		}(),
		"live session": liveSessionModel,
	} {
		t.Run(name, func(t *testing.T) {
			first := mustJSON(t, m)
			if !bytes.HasPrefix(first, []byte("{\n  \"schema\": \"threatdeck/1\",\n  \"model\": {")) {
				t.Errorf("document does not start with the schema tag: %.60q", first)
			}
			back, err := ParseJSON(first)
			if err != nil {
				t.Fatal(err)
			}
			second := mustJSON(t, back)
			if !bytes.Equal(first, second) {
				t.Errorf("export → import → export changed the document")
			}
			if want := canonical(m); !reflect.DeepEqual(back, want) {
				t.Errorf("imported model differs from the exported one")
			}
		})
	}
}

// TestJSONLeavesModelAlone: exporting neither reorders nor fills in the
// caller's model, and nil and empty lists export the same.
func TestJSONLeavesModelAlone(t *testing.T) {
	m := &model.Model{Overview: model.Overview{Title: "Bare"}, Assets: []model.Asset{{ID: "AS-002", Name: "b"}, {ID: "AS-001", Name: "a"}}}
	before := *m
	before.Assets = append([]model.Asset(nil), m.Assets...)
	nilLists := mustJSON(t, m)
	if !reflect.DeepEqual(*m, before) {
		t.Errorf("JSON modified its argument: %+v", m)
	}
	e := *m
	e.Threats, e.Parking, e.Dismissed, e.Extensions = []model.Threat{}, []model.ParkingItem{}, []string{}, map[string]json.RawMessage{}
	if !bytes.Equal(mustJSON(t, &e), nilLists) {
		t.Error("empty and nil lists export differently")
	}
	if bytes.Contains(nilLists, []byte("null")) || bytes.Contains(nilLists, []byte("extensions")) {
		t.Error("document contains null or an empty extensions object")
	}
}

// minimalDoc is the smallest valid document, as a tree tests can damage.
func minimalDoc() map[string]any {
	return map[string]any{
		"schema": "threatdeck/1",
		"model": map[string]any{
			"overview": map[string]any{"title": "Doc", "updated": "2024-01-15T00:00:00Z"},
			"assets":   []any{map[string]any{"id": "AS-001", "name": "User data"}},
			"surface": []any{
				map[string]any{"id": "SE-001", "name": "Flow", "kind": "dataflow", "source": "SE-002", "target": "SE-003"},
				map[string]any{"id": "SE-002", "name": "App"},
				map[string]any{"id": "SE-003", "name": "DB", "kind": "datastore"},
			},
			"threats": []any{map[string]any{"id": "T-001", "title": "SQL injection", "category": "tampering",
				"assets": []any{"AS-001"}, "likelihood": 2, "impact": 5,
				"mitigations": []any{map[string]any{"id": "M-001", "description": "Parameterised queries", "status": "verified"}}}},
			"seq": map[string]any{"AS": 1, "SE": 3, "T": 1, "M": 1},
		},
	}
}

func encodeDoc(t testing.TB, v any) []byte {
	t.Helper()
	data, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// damagedDoc returns the minimal document with one change applied.
func damagedDoc(t testing.TB, change func(doc, m map[string]any)) []byte {
	doc := minimalDoc()
	change(doc, doc["model"].(map[string]any))
	return encodeDoc(t, doc)
}

func threat0(m map[string]any) map[string]any { return m["threats"].([]any)[0].(map[string]any) }

func TestParseJSONMinimal(t *testing.T) {
	m, err := ParseJSON(encodeDoc(t, minimalDoc()))
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Threats) != 1 || m.Threats[0].Mitigations[0].Status != model.MitigationVerified || len(m.Stride) != 6 {
		t.Errorf("model = %+v", m)
	}
	if e, _ := m.Element("SE-001"); e.Source != "SE-002" || e.Target != "SE-003" {
		t.Errorf("flow ends naming later elements were lost: %+v", e)
	}
	if !m.Overview.Updated.Equal(time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC)) {
		t.Errorf("updated = %v; the import must keep the document's time", m.Overview.Updated)
	}
}

func TestParseJSONErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		data []byte
		want string
	}{
		{"too big", make([]byte, MaxJSONBytes+1), "the document is larger than 512 MiB, the most threatdeck imports"},
		{"too deep", []byte(`{"schema":"threatdeck/1","model":` + strings.Repeat("[", 80)), "nested more than 64 levels deep (line 1, column 97)"},
		{"not JSON", []byte("# Threat model\n"), "not valid JSON at line 1, column 1"},
		{"truncated", []byte(`{"schema": "threatdeck/1", "model": {"overview": `), "ends in the middle of a value"},
		{"trailing", append(encodeDoc(t, minimalDoc()), []byte(` {}`)...), "unexpected data after the JSON value"},
		{"array", []byte(`[1, 2]`), `expected an object with "schema" and "model", got a list`},
		{"null", []byte(`null`), "got null: this is not a threatdeck JSON export"},
		{"schema not a string", []byte(`{"schema": 1}`), `schema: must be a string such as "threatdeck/1"`},
		{"no schema", []byte(`{"model": {}}`), `schema: missing: this is not a threatdeck JSON export`},
		{"newer", []byte(`{"schema": "threatdeck/2", "model": {}}`), `schema: "threatdeck/2" was written by a newer threatdeck; this version reads "threatdeck/1": upgrade threatdeck`},
		{"library", []byte(`{"schema": "threatdeck-library/1", "model": {}}`), "is a threatdeck threat library, not a model export"},
		{"other schema", []byte(`{"schema": "otm/0.2"}`), `schema: "otm/0.2" is not a threatdeck model export`},
		{"no model", []byte(`{"schema": "threatdeck/1"}`), "model: missing"},
		{"unknown top-level", damagedDoc(t, func(d, _ map[string]any) { d["generator"] = "x" }), `unknown field "generator"`},
		{"no overview", damagedDoc(t, func(_, m map[string]any) { delete(m, "overview") }), "model.overview: missing"},
		{"wrong type", damagedDoc(t, func(_, m map[string]any) { threat0(m)["likelihood"] = "high" }), "model.threats[0].likelihood: expected a number, got a string"},
		{"list not object", damagedDoc(t, func(_, m map[string]any) { m["assets"] = map[string]any{} }), "model.assets: expected a list, got an object"},
		{"rating", damagedDoc(t, func(_, m map[string]any) { threat0(m)["likelihood"] = 9 }), "model.threats[0].likelihood: must be between 1 and 5"},
		{"mitigation status", damagedDoc(t, func(_, m map[string]any) {
			threat0(m)["mitigations"] = []any{map[string]any{"description": "ok"}, map[string]any{"description": "x", "status": "bogus"}}
		}), `model.threats[0].mitigations[1].status: "bogus" is not a known value`},
		{"mitigation type", damagedDoc(t, func(_, m map[string]any) {
			threat0(m)["mitigations"] = []any{map[string]any{"description": "ok"}, map[string]any{"description": 5}}
		}), `model.threats[0].mitigations[1].description: expected a string, got a number`},
		{"dangling link", damagedDoc(t, func(_, m map[string]any) { threat0(m)["assets"] = []any{"AS-099"} }), `model.threats[0].assets: "AS-099" does not exist in this model`},
		{"dangling flow", damagedDoc(t, func(_, m map[string]any) {
			m["surface"].([]any)[0].(map[string]any)["source"] = "SE-404"
		}), `model.surface[0].source: "SE-404" does not exist in this model`},
		{"duplicate id", damagedDoc(t, func(_, m map[string]any) {
			m["assets"] = append(m["assets"].([]any), map[string]any{"id": "AS-001", "name": "Again"})
		}), `model.assets[1].id: asset id "AS-001" is used twice (also model.assets[0])`},
		{"duplicate mitigation id", damagedDoc(t, func(_, m map[string]any) {
			threat0(m)["mitigations"] = []any{map[string]any{"id": "M-007", "description": "a"}, map[string]any{"id": "AS-001", "description": "b"}, map[string]any{"id": "M-007", "description": "c"}}
		}), `model.threats[0].mitigations[2].id: mitigation id "M-007" is used twice (also model.threats[0].mitigations[0])`},
		{"unknown field", damagedDoc(t, func(_, m map[string]any) { threat0(m)["severity"] = "high" }), `model.threats[0]: unknown field "severity" (not part of threatdeck/1)`},
		{"bad time", damagedDoc(t, func(_, m map[string]any) { m["overview"].(map[string]any)["created"] = "yesterday" }), "model.overview: not a valid time"},
		{"long name", damagedDoc(t, func(_, m map[string]any) { m["assets"].([]any)[0].(map[string]any)["name"] = strings.Repeat("n", 201) }), "model.assets[0].name: is 201 characters long; the limit is 200"},
		{"no title", damagedDoc(t, func(_, m map[string]any) { m["overview"].(map[string]any)["title"] = " \x1b[1m " }), "model.overview.title: is required"},
		{"stride twice", damagedDoc(t, func(_, m map[string]any) {
			m["stride"] = []any{map[string]any{"category": "spoofing"}, map[string]any{"category": "spoofing"}}
		}), `model.stride[1].category: "spoofing" is reviewed twice (also model.stride[0])`},
		{"bad category", damagedDoc(t, func(_, m map[string]any) { threat0(m)["category"] = "phishing" }), `model.threats[0].category: "phishing" is not a STRIDE category`},
		{"bad edition", damagedDoc(t, func(_, m map[string]any) { m["overview"].(map[string]any)["owasp_edition"] = "2017" }), `model.overview.owasp_edition: "2017" is not a known value`},
		{"bad id", damagedDoc(t, func(_, m map[string]any) { m["assets"].([]any)[0].(map[string]any)["id"] = "AS\n001" }), `model.assets[0].id: "AS\n001" is not a valid id`},
		{"bad seq", damagedDoc(t, func(_, m map[string]any) { m["seq"] = map[string]any{"T": -1} }), "model.seq.T: must be a whole number, 0 or more"},
		{"bad checklist", damagedDoc(t, func(_, m map[string]any) {
			m["checklists"] = []any{map[string]any{"title": "X", "list": "wishlist"}}
		}), `model.checklists[0].list: "wishlist" is not a checklist`},
		{"bad extension", damagedDoc(t, func(_, m map[string]any) { m["extensions"] = map[string]any{"": 1} }), `model.extensions: "" is not a valid tool name`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := ParseJSON(tc.data)
			if err == nil {
				t.Fatalf("accepted: %+v", m)
			}
			if m != nil {
				t.Error("returned a model with the error")
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %q\nwant it to contain %q", err, tc.want)
			}
			if _, ok := err.(*JSONError); !ok {
				t.Errorf("error is %T, want *JSONError", err)
			}
		})
	}
}

// TestParseJSONCollectsProblems: every bad entity is reported at once, up
// to a limit.
func TestParseJSONCollectsProblems(t *testing.T) {
	data := damagedDoc(t, func(_, m map[string]any) {
		var threats []any
		for range 25 {
			threats = append(threats, map[string]any{"title": "x", "category": "spoofing", "impact": 7})
		}
		m["threats"] = threats
	})
	_, err := ParseJSON(data)
	je, ok := err.(*JSONError)
	if !ok {
		t.Fatalf("error = %v", err)
	}
	if len(je.Problems) != maxProblems || je.More != 5 || je.Problems[3].Path != "model.threats[3].impact" {
		t.Errorf("problems = %d listed + %d more, fourth at %q", len(je.Problems), je.More, je.Problems[3].Path)
	}
	if !strings.HasSuffix(err.Error(), "; and 5 more problems") {
		t.Errorf("error = %q", err)
	}
}

// TestParseJSONCleansAndNumbers: imported text goes through the model's
// cleaning, entities without ids get fresh ones past every id in use, and
// a counter behind the ids in use is moved forward.
func TestParseJSONCleansAndNumbers(t *testing.T) {
	data := damagedDoc(t, func(_, m map[string]any) {
		m["assets"] = []any{
			map[string]any{"id": "AS-007", "name": "\x1b[31mRed\x1b[0m \u202eName"},
			map[string]any{"name": "No id", "description": "trailing space  \n\n"},
		}
		threat0(m)["assets"] = []any{"AS-007"}
		m["seq"] = map[string]any{"AS": 2}
	})
	m, err := ParseJSON(data)
	if err != nil {
		t.Fatal(err)
	}
	if a, _ := m.Asset("AS-007"); a.Name != "Red Name" {
		t.Errorf("name = %q, want it cleaned", a.Name)
	}
	if a, ok := m.Asset("AS-008"); !ok || a.Description != "trailing space" {
		t.Errorf("asset without id = %+v, %v; want AS-008, cleaned", a, ok)
	}
	if m.Seq["AS"] != 8 {
		t.Errorf("seq AS = %d, want 8", m.Seq["AS"])
	}
	if m.Seq["T"] != 1 || m.Seq["M"] != 1 {
		t.Errorf("seq = %v", m.Seq)
	}
}

// TestModelDocCoversModel keeps modelDoc and parts in step with model.Model: a field
// added to the model must be read back, or the export would not be lossless.
func TestModelDocCoversModel(t *testing.T) {
	fields := func(typ reflect.Type) map[string]bool {
		out := map[string]bool{}
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			if name != "-" {
				out[name] = true
			}
		}
		return out
	}
	want := fields(reflect.TypeFor[model.Model]())
	for _, typ := range []reflect.Type{reflect.TypeFor[modelDoc](), reflect.TypeFor[parts]()} {
		if got := fields(typ); !reflect.DeepEqual(got, want) {
			t.Errorf("%s fields %v, model.Model fields %v", typ, got, want)
		}
	}
}

func TestImport(t *testing.T) {
	saved := formatTable
	t.Cleanup(func() { formatTable = saved })
	formatTable = append(slices.Clone(saved), FormatSpec{
		Name:   "test",
		Title:  "test format",
		Detect: func(p *Probe) bool { return bytes.HasPrefix(p.Data, []byte(`{"test-format-for-export-tests"`)) },
		Import: func(data []byte, name string) (*model.Model, error) {
			if bytes.Contains(data, []byte("panic")) {
				panic("boom")
			}
			return model.New("From test format", "", model.ExampleDate)
		},
	})
	example := mustJSON(t, model.Example(model.ExampleDate))
	for _, tc := range []struct {
		name, data, wantTitle, wantErr string
	}{
		{"threatdeck", string(example), "Threat Model", ""},
		{"threatdeck with a byte-order mark", "\xef\xbb\xbf" + string(example), "Threat Model", ""},
		{"threatdeck with model first", `{"model": {"overview": {"title": "Late"}}, "schema": "threatdeck/1"}`, "Late", ""},
		{"threatdeck invalid", `{"schema": "threatdeck/1", "model": {"overview": {}}}`, "", "f.json: model.overview.title: is required"},
		{"newer threatdeck", `{"schema": "threatdeck/9", "model": {}}`, "", "f.json: schema: \"threatdeck/9\" was written by a newer threatdeck"},
		{"registered", `{"test-format-for-export-tests": 1}`, "From test format", ""},
		{"registered panics", `{"test-format-for-export-tests": "panic"}`, "", "f.json: could not be read as test format (internal error: boom)"},
		{"unknown", `{"something": "else", "schema": 3}`, "", "f.json: not a threat model format threatdeck can import (it reads threatdeck JSON, "},
		{"broken JSON", "{\n  \"a\": tru\n}", "", "f.json: not valid JSON at line 2, column"},
		{"empty", "  \n", "", "f.json: the file is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m, err := Import([]byte(tc.data), "f.json")
			switch {
			case tc.wantErr != "":
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Errorf("error = %v, want %q", err, tc.wantErr)
				}
			case err != nil:
				t.Errorf("error = %v", err)
			case m.Overview.Title != tc.wantTitle:
				t.Errorf("title = %q, want %q", m.Overview.Title, tc.wantTitle)
			}
		})
	}
	if _, err := Import(make([]byte, MaxJSONBytes+1), "huge.json"); err == nil || !strings.Contains(err.Error(), "huge.json: the file is larger than 512 MiB") {
		t.Errorf("huge file: %v", err)
	}
}

func TestIsThreatdeckJSON(t *testing.T) {
	for data, want := range map[string]bool{
		`{"schema": "threatdeck/1"}`:                       true,
		`{"a": {"schema": "x"}, "schema": "threatdeck/2"}`: true,
		`{"schema": "threatdeck-library/1"}`:               true,
		`{"detail": {"schema": "threatdeck/1"}}`:           false,
		`{"schema": 1}`:                                    false,
		`["schema", "threatdeck/1"]`:                       false,
		`{"schema"`:                                        false,
		``:                                                 false,
	} {
		if got := IsThreatdeckJSON([]byte(data)); got != want {
			t.Errorf("IsThreatdeckJSON(%s) = %v, want %v", data, got, want)
		}
	}
}

// liveSessionModel is the example after a facilitated session: attributed
// threats, one recorded poker round, one open round with votes, and a
// session record.
var liveSessionModel = func() *model.Model {
	m := model.Example(model.ExampleDate)
	at := model.ExampleDate.Add(time.Hour)
	a, b := m.Threats[0].ID, m.Threats[1].ID
	for _, ch := range []func() (model.Change, error){
		func() (model.Change, error) { return m.StartPoker(a, "fran", at) },
		func() (model.Change, error) { return m.CastVote(a, "ann", 2, 4, at) },
		func() (model.Change, error) { return m.CastVote(a, "bob", 4, 5, at) },
		func() (model.Change, error) { return m.RevealPoker(a, at) },
		func() (model.Change, error) { return m.RecordPoker(a, 3, 5, "fran", at) },
		func() (model.Change, error) { return m.StartPoker(b, "fran", at) },
		func() (model.Change, error) { return m.CastVote(b, "ann", 1, 1, at) },
		func() (model.Change, error) {
			th := m.Threats[2]
			th.Title += " (renamed)"
			ch, err := m.PutThreat(th, at)
			m.Apply(model.Stamp(ch, "ann", at).Do)
			return ch, err
		},
		func() (model.Change, error) {
			rec := model.SessionRecord{ID: model.SessionID(at), Facilitator: "fran", Started: at, Ended: at.Add(time.Hour),
				Steps: []model.StepTime{{Step: "threats", Seconds: 1800}}}
			rec = rec.Attend([]model.Participant{{Name: "fran", Role: model.RoleFacilitator}, {Name: "ann", Role: model.RoleParticipant}}, at)
			return m.PutSession(rec)
		},
	} {
		if _, err := ch(); err != nil {
			panic(err)
		}
	}
	return m
}()
