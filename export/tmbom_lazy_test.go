package export

import (
	"bytes"
	"testing"
	"time"
)

// The lists a TM-BOM import leaves in their bytes (tmbomLazyPaths) and
// keeps compact must make the same model, warnings and kept document as
// the file read as one tree.
func TestTMBOMLazyMatchesTree(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	huskyai := huskyaiFile(t)
	tests := []struct {
		name string
		data []byte
	}{
		{"huskyai", huskyai},
		{"repeated keys and HTML", []byte(`{"scope":{"title":"T <&>"},"threats":[{"symbolic_name":"a","title":"x","title":"A <b>"},{"symbolic_name":"b","title":"B\u2028"}],` +
			`"controls":[{"symbolic_name":"c","title":"C","status":"active","threats":["a","b"]},{"title":"loose","status":"retired"}],` +
			`"risks":[{"threats":["a"],"likelihood":"likely","impact":"major","title":"R"}],"components":[{"symbolic_name":"k","title":"K","z":[1,{"y":2}]}],` +
			`"data_flows":[{"symbolic_name":"f","title":"F","source":{"type":"component","object":"k"},"destination":{"object":"nowhere"}}],"trust_zones":[],` +
			`"assumptions":[{"validity":"x","description":"D","description":"E <"}],"trust_boundaries":[{"b":1,"a":2,"b":3}]}`)},
		// Kept objects written compact from their bytes (names in order) or
		// built (names out of order, escaped, repeated), strings written
		// again where appendTree escapes them differently.
		{"spacing, order and escapes", []byte("{\"scope\" : {\"title\":\"S\"},\n \"components\": [\n  {\"description\": \"a\\u0041\\n\\u2028 \\ud83d\\ude00 \\ud800\", \"symbolic_name\": \"c\", \"title\": \"C\xe2\x80\xa8 \xff\"},\n" +
			"  {\"title\": \"D\", \"symbolic_name\": \"d\", \"x\": {\"b\": [1, {\"d\": 2, \"c\": 3}], \"a\": null}},\n" +
			"  {\"symbolic_name\": \"e\", \"ti\\u0074le\": \"E\"}, {\"a b\": 1, \"a\": 2}, null],\n" +
			" \"threats\": [{\"symbolic_name\": \"t\", \"title\": \"T\", \"components_affected\": [\"c\", null, \" d \"], \"attack_mechanisms\": [null, {\"capec_id\": 66.5, \"capec_title\": \"SQL\"}]}],\n" +
			" \"data_flows\": [{\"destination\": {\"object\": \"d\", \"type\": \"component\"}, \"encrypted\": false, \"source\": {\"type\": \"component\", \"object\": \"c\"}, \"title\": \"F\"}]}")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ImportForeign(tt.data, "f.json", FormatTMBOM, now)
			if err != nil {
				t.Fatal(err)
			}
			root, err := parseInput(tt.data, "f.json")
			if err != nil {
				t.Fatal(err)
			}
			r := &jreader{file: "f.json"}
			b := newBuilder("f.json", now, r)
			want, err := b.build(readTMBOM(root, r, b))
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Extensions[ToolTMBOM], want.Extensions[ToolTMBOM]) {
				t.Errorf("kept document differs:\nlazy %s\ntree %s", got.Extensions[ToolTMBOM], want.Extensions[ToolTMBOM])
			}
			g, _ := JSON(got)
			w, _ := JSON(want)
			if !bytes.Equal(g, w) {
				t.Errorf("JSON export differs")
			}
		})
	}
}
