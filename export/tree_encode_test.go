package export

import (
	"bytes"
	"encoding/json"
	"testing"
)

// appendTree writes what encoding/json writes, compact and indented.
func FuzzAppendTree(f *testing.F) {
	for _, s := range []string{
		`{"b": [1, 2.50, "x\u0000\n\"\\\u2028<&>"], "a": {}, "c": [], "d": null, "e": true}`,
		`[{"z": {"y": [[]]}}, "\u00e9\ud83d\ude00", -0.0e10]`,
		`"\b\f\r\t\u001b"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var v any
		if dec.Decode(&v) != nil {
			return
		}
		for _, indent := range []string{"", "  "} {
			var want bytes.Buffer
			enc := json.NewEncoder(&want)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", indent)
			if err := enc.Encode(v); err != nil {
				return
			}
			got, err := appendTree(nil, v, indent, 0)
			if err != nil {
				t.Fatal(err)
			}
			if w := bytes.TrimSuffix(want.Bytes(), []byte("\n")); !bytes.Equal(got, w) {
				t.Fatalf("indent %q:\n got %s\nwant %s", indent, got, w)
			}
		}
	})
}

func TestTDExtensionAppendJSON(t *testing.T) {
	x := &tdExtension{
		Document: map[string]any{"summary": map[string]any{"title": "t"}, "n": json.Number("1.50")},
		Cells:    map[string]tdRef{"SE-2": {Diagram: 1, Cell: "c\"2"}, "SE-1": {Cell: "c1"}},
		Threats:  map[string]tdRef{"T-1": {Cell: "c1", Index: 3}},
		Defaults: map[string]string{"SE-1": "Process 1"},
	}
	want, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	got, err := x.appendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
