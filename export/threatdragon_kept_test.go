package export

import (
	"reflect"
	"strings"
	"testing"
)

// The kept data of a Threat Dragon or OTM import reads back as
// encoding/json reads it, whatever its shape: the direct reading when it
// takes the data, encoding/json's otherwise.
func FuzzDecodeKept(f *testing.F) {
	for _, s := range []string{
		`{"document":{"detail":{"diagrams":[{"cells":[{"id":"a","data":{"threats":[{"number":1}]}}]}]}},"cells":{"SE-1":{"diagram":0,"cell":"a"}},"threats":{"T-1":{"diagram":0,"cell":"a","index":1}},"defaults":{"SE-1":"Process 1"}}`,
		`{"Document":null,"cells":{"SE-1":{"diagram":1.5,"cell":"a"}}}`,
		`{"document":{"otmVersion":"0.2.0"},"project":{"id":"p"},"elements":{"SE-1":{"id":"c"}},"assets":{},"threats":{"T-1":{"id":"t"}},"states":{"T-1":{"SE-1":"exposed"}},"mitigations":{"M-1":{"object":{"id":"m"},"state":"required","text":"x"}},"mitigation_states":{"M-1":{"SE-1":"implemented"}},"unlinked":[{"id":"u"}]}`,
		`{"unlinked":[null],"states":{"T-1":{"SE-1":1}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if td, ok := readTDKept(raw); ok {
			tree, ok := readTDExtensionTree(raw)
			if !ok || !reflect.DeepEqual(buildLazy(t, td.Document), buildLazy(t, tree.Document)) || !reflect.DeepEqual(td.Cells, tree.Cells) ||
				!reflect.DeepEqual(td.Threats, tree.Threats) || !reflect.DeepEqual(td.Defaults, tree.Defaults) {
				t.Fatalf("read in one pass as %#v\nthe tree reading gives %#v (%v)", td, tree, ok)
			}
		}
		if td, ok := readTDExtension(raw); ok {
			var want tdExtension
			if err := decodeExtension(raw, &want); err != nil {
				t.Fatalf("read directly, but encoding/json says %v", err)
			}
			td.size = 0
			if !reflect.DeepEqual(buildLazy(t, td.Document), buildLazy(t, want.Document)) || !reflect.DeepEqual(td.Cells, want.Cells) ||
				!reflect.DeepEqual(td.Threats, want.Threats) || !reflect.DeepEqual(td.Defaults, want.Defaults) {
				t.Fatalf("got %#v\nwant %#v", td, want)
			}
		}
		if otm, ok := readOTMExtension(raw); ok {
			var want otmExtension
			if err := decodeExtension(raw, &want); err != nil {
				t.Fatalf("read directly, but encoding/json says %v", err)
			}
			if !reflect.DeepEqual(otm, want) {
				t.Fatalf("got %#v\nwant %#v", otm, want)
			}
		}
	})
}

// TestTDKeptReadsAsTheTree checks that the one-pass reading of a Threat
// Dragon extension takes threatdeck's own shape and gives what the tree
// reading gives, and that it leaves to the tree reading every shape it
// must not take: a repeated name where duplicateKeys looks, a document
// nested deeper than tooDeep allows, a number with a fraction, a name
// with an escape.
func TestTDKeptReadsAsTheTree(t *testing.T) {
	deep := `{"document":{"detail":{"x":` + strings.Repeat("[", MaxJSONDepth) + strings.Repeat("]", MaxJSONDepth) + `}}}`
	for _, c := range []struct {
		name, raw string
		takes     bool
	}{
		{"own shape", `{"document":{"detail":{"diagrams":[{"cells":[{"id":"a","data":{"threats":[{"number":1}]}}]}]},"version":"2.3.0"},"cells":{"SE-1":{"diagram":0,"cell":"a"}},"threats":{"T-1":{"diagram":0,"cell":"a","index":1}},"defaults":{"SE-1":"Process 1"}}`, true},
		{"spaced", " { \"document\" : null , \"cells\" : { \"SE-1\" : { \"cell\" : \"\\u00e9\" , \"diagram\" : 0 } } , \"threats\" : null , \"defaults\" : null } ", true},
		{"empty", `{}`, true},
		{"empty maps", `{"cells":{},"threats":{},"defaults":{}}`, true},
		{"repeated member", `{"cells":{},"cells":{}}`, false},
		{"repeated document", `{"document":null,"document":{}}`, false},
		{"repeated id", `{"cells":{"SE-1":{"diagram":0,"cell":"a"},"SE-1":{"diagram":0,"cell":"b"}}}`, false},
		{"repeated ref field", `{"threats":{"T-1":{"diagram":0,"diagram":1,"cell":"a"}}}`, false},
		{"repeated default", `{"defaults":{"SE-1":"a","SE-1":"b"}}`, false},
		{"repeated document member", `{"document":{"version":"1","version":"2"}}`, false},
		{"repeated detail member", `{"document":{"detail":{"a":1,"a":2}}}`, false},
		{"repeat deeper is the tree's too", `{"document":{"detail":{"diagrams":[{"title":"a","title":"b"}]}}}`, true},
		{"too deep", deep, false},
		{"fraction", `{"cells":{"SE-1":{"diagram":0.5,"cell":"a"}}}`, false},
		{"escaped name", `{"cells":{"SE-\u0031":{"diagram":0,"cell":"a"}}}`, false},
		{"unknown member", `{"document":null,"other":1}`, false},
		{"document not an object", `{"document":[]}`, false},
		{"trailing bytes", `{} {}`, false},
		{"truncated", `{"document":{"detail":{"diagrams":[{"cells":[{"id":"a"`, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			got, ok := readTDKept([]byte(c.raw))
			if ok != c.takes {
				t.Fatalf("readTDKept took it: %v, want %v", ok, c.takes)
			}
			if !ok {
				return
			}
			want, wantOK := readTDExtensionTree([]byte(c.raw))
			if !wantOK {
				t.Fatal("read in one pass, but the tree reading refuses it")
			}
			if !reflect.DeepEqual(buildLazy(t, got.Document), buildLazy(t, want.Document)) || !reflect.DeepEqual(got.Cells, want.Cells) ||
				!reflect.DeepEqual(got.Threats, want.Threats) || !reflect.DeepEqual(got.Defaults, want.Defaults) {
				t.Fatalf("got %#v\nwant %#v", got, want)
			}
		})
	}
}
