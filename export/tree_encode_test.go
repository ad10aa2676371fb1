package export

import (
	"bytes"
	"encoding/json"
	"reflect"
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

// An *object keeps its members' order, nested or not, as MarshalJSON does.
func TestAppendTreeObject(t *testing.T) {
	inner := newObject()
	inner.set("z", json.Number("1"))
	inner.set("a", []any{"x", map[string]any{"k": nil}})
	o := newObject()
	o.set("id", "x")
	o.set("inner", inner)
	o.set("list", []any{inner})
	o.set("empty", newObject())
	raw, err := o.MarshalJSON()
	if err != nil {
		t.Fatal(err)
	}
	for _, indent := range []string{"", "  ", "\t"} {
		var want bytes.Buffer
		if indent == "" {
			want.Write(raw)
		} else if err := json.Indent(&want, raw, "", indent); err != nil {
			t.Fatal(err)
		}
		got, err := appendTree(nil, o, indent, 0)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want.Bytes()) {
			t.Errorf("indent %q:\n got %s\nwant %s", indent, got, want.Bytes())
		}
	}
}

// The OTM extension reads back the same through either writer.
func TestOTMExtensionAppendJSON(t *testing.T) {
	kept := func(s string) *lazyJSON { return &lazyJSON{raw: []byte(s), compact: true} }
	x := &otmExtension{
		Document:         map[string]any{"otmVersion": "0.2.0"},
		Project:          map[string]any{"id": "p"},
		Elements:         otmObjects{"SE-001": kept(`{"id":"c1","type":"web"}`)},
		Assets:           otmObjects{"AS-001": kept(`{"id":"a"}`)},
		Threats:          otmObjects{"T-001": kept(`{"id":"t","risk":{"likelihood":75}}`)},
		States:           otmStates{"T-001": {{"SE-001", "exposed"}}},
		Mitigations:      map[string]otmMitigationRef{"M-001": {Object: kept(`{"id":"m"}`), State: "required", Text: "x"}},
		MitigationStates: otmStates{"M-001": {{"SE-001", "required"}, {"SE-002", "implemented"}}},
		Unlinked:         otmObjectList{kept(`{"id":"m-waf"}`)},
	}
	want, err := json.Marshal(x)
	if err != nil {
		t.Fatal(err)
	}
	got, err := x.appendJSON(nil)
	if err != nil {
		t.Fatal(err)
	}
	var a, b otmExtension
	if err := decodeExtension(want, &a); err != nil {
		t.Fatal(err)
	}
	if err := decodeExtension(got, &b); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(a, b) {
		t.Errorf("got  %s\nwant %s", got, want)
	}
}
