package export

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// treeCell reads a cell the way a file the raw reader declines is read:
// through its tree, giving the cell, its threats and its kept bytes.
func treeCell(t *testing.T, raw []byte) (*tdCell, []tdRawThreat, []byte, error) {
	t.Helper()
	rd := &tdReader{r: &jreader{file: "f"}, rt: &jreader{file: "f"}, byKey: map[string]*tdCell{}, raw: tdRaw{names: map[string]string{}}}
	obj, ok := (&lazyJSON{raw: raw}).build(nil)
	if !ok {
		t.Fatalf("%s: not an object", raw)
	}
	keep := rd.readCell(0, jnode{v: obj, path: "$.c", present: true})
	if rd.r.err == nil {
		rd.r.err = rd.rt.err
	}
	if rd.r.err != nil {
		return nil, nil, nil, rd.r.err
	}
	kept, err := appendTree(nil, keep, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	var cell *tdCell
	if len(rd.cells) > 0 {
		cell = rd.cells[0]
	}
	return cell, rd.threats, kept, nil
}

// TestRawCellMatchesTree: a cell read from its bytes gives the element,
// the threats and the kept bytes that reading its tree gives; a cell the
// raw reader declines is one the tree reader reads (or refuses) itself.
func TestRawCellMatchesTree(t *testing.T) {
	cells := []struct {
		name, raw string
		declined  bool // the raw reader leaves it to the tree
	}{
		{"process", `{"id":"a","shape":"process","position":{"x":1,"y":2.5},"size":{"width":10,"height":1e2},"attrs":{"text":{"text":"P"}},"data":{"type":"tm.Process","name":"Web","description":"d","isWebApplication":true,"protocol":"https","threats":[{"id":"t","title":"T","description":"D","mitigation":"M","status":"Mitigated","severity":"High","type":"Spoofing","modelType":"STRIDE","score":3,"number":1}]}}`, false},
		{"indented, keys out of order", "{\n  \"shape\": \"store\",\n  \"id\": \"b\",\n  \"data\": {\n    \"threats\": [ { \"title\": \"x\", \"score\": \"\" } ],\n    \"type\": \"tm.Store\",\n    \"name\": \"\"\n  },\n  \"attrs\": { \"label\": { \"text\": \"  \" }, \"text\": { \"text\": \"Drawn\" } }\n}", false},
		{"flow, ends both ways", `{"id":"f","shape":"flow","source":{"cell":"a","port":"p"},"target":"b","labels":[{"attrs":{"labelText":{"text":"Calls"}}}],"data":{"type":"tm.Flow","name":" ","isPublicNetwork":true}}`, false},
		{"flow, loose end", `{"id":"f","shape":"flow","source":{"x":1,"y":2},"target":null,"data":{"type":"tm.Flow","name":"F"}}`, false},
		{"unknown kind with ends", `{"id":"u","shape":"odd","source":"a","target":"b","data":{"name":"U"}}`, false},
		{"text block keeps its threat texts", `{"id":"x","shape":"td-text-block","data":{"type":"tm.Text","threats":[{"title":"kept","description":"kept too"}]}}`, false},
		{"kind remembered", `{"id":"k","shape":"actor","data":{"type":"tm.Actor","name":"K","threatdeckKind":"third-party"}}`, false},
		{"escapes, U+2028, invalid UTF-8", "{\"id\":\"e\",\"shape\":\"process\",\"data\":{\"name\":\"\\u00e9\\/\\\"q\\\"\",\"description\":\"a\u2028b\xffc\",\"threats\":[{\"title\":\"\\ud800\",\"mitigation\":\"\\u001b[31m\"}]},\"z\":\"\\u2029\"}", false},
		{"repeated key outside what is read", `{"id":"r","shape":"process","attrs":{"body":{"fill":"a","fill":"b"}},"data":{"name":"R"}}`, false},
		{"repeated key in data", `{"id":"r","shape":"process","data":{"name":"A","name":"B"}}`, true},
		{"repeated data", `{"id":"r","shape":"process","data":{"name":"A"},"data":{"description":"B"}}`, true},
		{"empty objects and arrays", `{"id":"o","shape":"process","vertices":[],"attrs":{},"data":{"name":"O","threats":[]}}`, false},
		{"number id", `{"id":5,"shape":"process","data":{"name":"N"}}`, true},
		{"blank id", `{"id":" ","shape":"process","data":{"name":"N"}}`, true},
		{"data not an object", `{"id":"d","shape":"process","data":[1]}`, true},
		{"threats not a list", `{"id":"d","shape":"process","data":{"threats":{"a":1}}}`, true},
		{"threat not an object", `{"id":"d","shape":"process","data":{"threats":[null]}}`, true},
		{"title a number", `{"id":"d","shape":"process","data":{"threats":[{"title":1}]}}`, true},
		{"score an object", `{"id":"d","shape":"process","data":{"threats":[{"score":{}}]}}`, true},
		{"position a string", `{"id":"d","shape":"process","position":"x","size":{"width":1}}`, true},
		{"x a string", `{"id":"d","shape":"process","position":{"x":"1"},"size":{"width":1}}`, true},
		{"x too large", `{"id":"d","shape":"process","position":{"x":1e999},"size":{"width":1}}`, true},
		{"flow end a number", `{"id":"d","shape":"flow","source":1,"target":"b","data":{"type":"tm.Flow"}}`, true},
		{"name a list", `{"id":"d","shape":"process","data":{"name":[]}}`, true},
	}
	for _, c := range cells {
		t.Run(c.name, func(t *testing.T) {
			x := tdRaw{names: map[string]string{}}
			id, cell, threats, kept, ok := x.cell(nil, []byte(c.raw), nil)
			if ok == c.declined {
				t.Fatalf("raw reader took it: %v, want %v", ok, !c.declined)
			}
			wantCell, wantThreats, wantKept, err := treeCell(t, []byte(c.raw))
			if !ok {
				return
			}
			if err != nil {
				t.Fatalf("raw reader took a cell the tree refuses: %v", err)
			}
			if !bytes.Equal(kept, wantKept) {
				t.Errorf("kept\n%s\nwant\n%s", kept, wantKept)
			}
			if len(threats) != len(wantThreats) || (len(threats) > 0 && !reflect.DeepEqual(threats, wantThreats)) {
				t.Errorf("threats %+v, want %+v", threats, wantThreats)
			}
			if (cell == nil) != (wantCell == nil) {
				t.Fatalf("cell %+v, want %+v", cell, wantCell)
			}
			if cell == nil {
				return
			}
			if id != wantCell.id {
				t.Errorf("id %q, want %q", id, wantCell.id)
			}
			cell.path, cell.diagram, cell.elementID, cell.first, cell.count = wantCell.path, wantCell.diagram, wantCell.elementID, wantCell.first, wantCell.count
			if !reflect.DeepEqual(cell, wantCell) {
				t.Errorf("cell\n%+v\nwant\n%+v", cell, wantCell)
			}
		})
	}
}

// TestNewCellMatchesTree: a cell threatdeck adds is written as bytes
// exactly as the tree writer writes the map nodeCell or flowCell makes,
// with its threats (new ones numbered in turn), for every kind of element.
func TestNewCellMatchesTree(t *testing.T) {
	hostile := "Name \"q\" \\ \u2028 \x1b[31m é"
	var surface []model.SurfaceElement
	for i, k := range model.ElementKinds {
		surface = append(surface, model.SurfaceElement{ID: model.FormatID(model.PrefixSurface, i+1), Name: hostile, Description: "d\n" + hostile, Kind: k})
	}
	flow := model.SurfaceElement{ID: "S-100", Name: "Flow", Kind: model.KindDataFlow, Source: "S-001", Target: "S-999"}
	surface = append(surface, flow)
	m := &model.Model{Surface: surface}
	threats := []model.Threat{
		{ID: "T-001", Title: hostile, Description: hostile, Category: model.StrideCategories[1], Status: model.StatusOpen, Likelihood: 4, Impact: 5,
			Mitigations: []model.Mitigation{{Description: "one"}, {Description: "two"}}},
		{ID: "T-002", Title: "t", Methodology: "LINDDUN", Category: "Linking", Status: model.StatusMitigated, Likelihood: 1, Impact: 1},
	}
	for _, e := range surface {
		for _, indent := range []string{"", "  "} {
			for _, with := range []bool{false, true} {
				for _, flowCell := range []bool{false, true} {
					if flowCell != (e.Kind == model.KindDataFlow) {
						continue
					}
					fresh := func() *tdWriter {
						w := newTDWriter(m, tdExtension{})
						w.cellOf[e.ID] = tdRef{Cell: "cell-" + e.ID}
						w.cellOf["S-001"] = tdRef{Cell: "first"}
						w.top = 7
						return w
					}
					nc := &tdNewCell{e: e, flow: flowCell, x: 10, y: 20.5, width: 100, height: 80}
					var list []*model.Threat
					if with {
						for i := range threats {
							list = append(list, &threats[i])
						}
					}
					w := fresh()
					nc.w = w
					got, err := w.newCell([]byte("x"), indent, 3, nc, list, with)
					if err != nil {
						t.Fatal(err)
					}
					w = fresh()
					nc.w = w
					cell := nc.build()
					if with {
						w.writeThreats(cell, list)
					}
					want, err := appendTree([]byte("x"), cell, indent, 3)
					if err != nil {
						t.Fatal(err)
					}
					if !bytes.Equal(got, want) {
						t.Errorf("%s indent %q threats %v:\n%s\nwant\n%s", e.Kind, indent, with, got, want)
					}
				}
			}
		}
	}
}

// TestKeptCellsMatchTree: the export of an imported model writes each
// kept cell from its bytes exactly as building and updating its tree
// writes it, whatever was edited in the model since.
func TestKeptCellsMatchTree(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	edits := []func(m *model.Model){
		func(m *model.Model) {},
		func(m *model.Model) { m.DeleteElement(m.Surface[0].ID, now) },
		func(m *model.Model) {
			e := m.Surface[len(m.Surface)-1]
			e.Name, e.Description = "Renamed \u202e", "changed"
			m.PutElement(e, now)
		},
		func(m *model.Model) {
			th := m.Threats[0]
			th.Surface = []string{m.Surface[len(m.Surface)-1].ID}
			m.PutThreat(th, now)
			m.PutThreat(model.Threat{Title: "New", Category: model.StrideCategories[2], Surface: []string{m.Surface[1].ID}, Likelihood: 2, Impact: 2, Status: model.StatusOpen}, now)
		},
		func(m *model.Model) {
			e := m.Surface[2]
			e.Description = ""
			m.PutElement(e, now)
			m.DeleteThreat(m.Threats[len(m.Threats)-1].ID, now)
		},
	}
	for _, f := range []string{"three-tier-web-app.json", "v2-threat-model.json", "v2-new-model.json"} {
		data, err := os.ReadFile(filepath.Join("..", "testdata", "interop", "threat-dragon", f))
		if err != nil {
			t.Fatal(err)
		}
		for i, edit := range edits {
			m, err := ImportForeign(data, f, "", now)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Surface) < 3 || len(m.Threats) < 2 {
				continue
			}
			edit(m)
			write := func(treeOnly bool) []byte {
				ext, err := decodeTDExtension(m.Extensions[ToolThreatDragon])
				if err != nil {
					t.Fatal(err)
				}
				w := newTDWriter(m, ext)
				w.treeOnly = treeOnly
				var out bytes.Buffer
				if err := streamTree(&out, w.document(), "  "); err != nil {
					t.Fatal(err)
				}
				return out.Bytes()
			}
			if got, want := write(false), write(true); !bytes.Equal(got, want) {
				t.Errorf("%s, edit %d: cells written from their bytes differ from their trees:\n%s\nwant\n%s", f, i, got, want)
			}
		}
	}
}

// checkScanCell fails unless scanCell notes the spans and judges raw as
// pass, which writes the cell, does.
func checkScanCell(t *testing.T, raw []byte) {
	t.Helper()
	var scan, pass tdRaw
	scan.names, pass.names = map[string]string{}, map[string]string{}
	okScan := scan.scanCell(raw)
	_, okPass := pass.pass(nil, raw, false)
	if okScan != okPass {
		t.Fatalf("scanCell(%q) = %v, pass %v", raw, okScan, okPass)
	}
	if okScan && (!reflect.DeepEqual(scan.spans, pass.spans) || !reflect.DeepEqual(scan.threats, pass.threats)) {
		t.Fatalf("scanCell(%q) noted %+v %+v\npass %+v %+v", raw, scan.spans, scan.threats, pass.spans, pass.threats)
	}
}

func TestScanCellIsPass(t *testing.T) {
	for _, c := range []string{
		`{"attrs":{"text":{"text":"A"}},"data":{"name":"A","description":"d","threats":[{"id":"t","title":"T","status":"Open"}]},"id":"c1","position":{"x":1,"y":2},"shape":"process","size":{"width":3,"height":4}}`,
		`{"id":"f","shape":"flow","source":{"cell":"a"},"target":{"cell":"b"},"labels":[{"attrs":{"labelText":{"text":"L"}}}],"data":{"threats":[]}}`,
		` { "id" : "s" , "data" : { "name" : "x\u00e9\n" , "isEncrypted" : true } , "z" : [ 1 , -2.5e3 , null , [ ] , { } ] } `,
		`{"id":"a","id":"b"}`, `{"data":{"name":"a","name":"b"}}`, `{"x":{"k":1,"k":2}}`,
		`{"id":"\ud800"}`, `{"id":"a\x01"}`, `{"id":"a"`, `{"id":}`, `{"data":[1,}`, `[]`, `{}`,
	} {
		checkScanCell(t, []byte(c))
	}
}

func FuzzScanCell(f *testing.F) {
	f.Add([]byte(`{"data":{"threats":[{"title":"T"}]},"id":"c","labels":[{"attrs":{"labelText":{"text":"L"}}}]}`))
	f.Add([]byte(`{"id":"a","id":"b","z":[{},[]]}`))
	f.Fuzz(checkScanCell)
}
