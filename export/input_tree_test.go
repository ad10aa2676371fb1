package export

import (
	"bytes"
	"encoding/json"
	"io"
	"reflect"
	"testing"
)

// parseTree accepts exactly what encoding/json accepts and gives the same tree.
func FuzzParseTree(f *testing.F) {
	for _, s := range []string{
		`{"a": [1, -2.5e+3, 0, "x\u00e9\ud83d\ude00\n"], "b": {"c": null, "d": true, "e": false}, "a": 2}`,
		`[]`, `{}`, `"\ud800"`, "\"\xff\"", `01`, `1.`, `-`, `{"a" 1}`, `[1,]`, ` 3 `, `nul`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.UseNumber()
		var want any
		err := dec.Decode(&want)
		if err == nil {
			if _, e := dec.Token(); e != io.EOF {
				err = io.ErrUnexpectedEOF // trailing data
			}
		}
		got, ok := parseTree(data)
		if ok != (err == nil) {
			t.Fatalf("parseTree ok=%v, encoding/json error %v", ok, err)
		}
		if ok && !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v\nwant %#v", got, want)
		}
	})
}

// parseTreeLazy accepts what parseTree accepts, and each object it leaves
// in its bytes builds into what parseTree gives there.
func FuzzParseTreeLazy(f *testing.F) {
	for _, s := range []string{
		`[{"a": 1}, {"b": [{"c": "\u00e9"}]}, 2, "x", {"a": {"b": "\ud83d\ude00"}}]`,
		`{"a": [{"b": 1}, {"b": "\""}], "c": [{}]}`,
		`[{"a": "\x"}]`, `[{"a": 1,}]`, `[{"a" 1}]`, `[{"a": 01}]`, `[{"a": "` + "\x01" + `"}]`, `[{"a": "\u12G4"}]`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		if tooDeep(data, MaxImportDepth) >= 0 {
			return
		}
		want, ok := parseTree(data)
		got, lazyOK := parseTreeLazy(data, [][]string{{""}, {"a", ""}})
		if ok != lazyOK {
			t.Fatalf("parseTree ok=%v, parseTreeLazy ok=%v", ok, lazyOK)
		}
		if !ok {
			return
		}
		if !reflect.DeepEqual(buildLazy(t, got), want) {
			t.Fatalf("got %#v\nwant %#v", got, want)
		}
	})
}

// buildLazy builds every lazy object of a tree.
func buildLazy(t *testing.T, v any) any {
	switch x := v.(type) {
	case *lazyJSON:
		obj, ok := x.build(nil)
		if !ok {
			t.Fatalf("lazy object %q does not build", x.raw)
		}
		if id, found := lazyMember(x.raw, "a"); found != (obj["a"] != nil && isString(obj["a"])) || (found && id != obj["a"]) {
			t.Fatalf("lazyMember(%q, a) = %q, %v", x.raw, id, found)
		}
		return buildLazy(t, obj)
	case map[string]any:
		for k, e := range x {
			x[k] = buildLazy(t, e)
		}
	case []any:
		for i, e := range x {
			x[i] = buildLazy(t, e)
		}
	}
	return v
}

func isString(v any) bool { _, ok := v.(string); return ok }

// parseTreeLimited accepts exactly what tooDeep and parseTree together
// accept, lazy objects counted at their depth in the document.
func FuzzParseTreeLimited(f *testing.F) {
	for _, s := range []string{
		`[{"a": [[1]]}, {"b": [{"c": []}]}]`, `[[[[{}]]]]`, `[{"a": [[[[]]]]}]`, `{"a": [{"b": {}}]`,
	} {
		f.Add([]byte(s), uint8(3))
	}
	f.Fuzz(func(t *testing.T, data []byte, limit uint8) {
		limit = 1 + limit%8
		want, ok := parseTree(data)
		ok = ok && tooDeep(data, int(limit)) < 0
		got, limitedOK := parseTreeLimited(data, [][]string{{""}, {"a", ""}}, int(limit))
		if ok != limitedOK {
			t.Fatalf("parseTree and tooDeep(%d) ok=%v, parseTreeLimited ok=%v", limit, ok, limitedOK)
		}
		if ok && !reflect.DeepEqual(buildLazy(t, got), want) {
			t.Fatalf("got %#v\nwant %#v", got, want)
		}
	})
}

// Objects built one after another into one map with one pool (and one
// value cache) each come out as building them afresh does.
func TestBuildIntoPoolMatchesBuild(t *testing.T) {
	objects := []string{
		`{"a": {"b": {"c": 1}, "d": [{"e": "x"}, {"e": "y"}]}, "f": "state"}`,
		`{"a": {"z": 2}, "g": [{"h": {"i": null}}], "f": "state"}`,
		`{"p": {"q": {"r": {"s": {"t": "deep"}}}}, "n": 12.5, "f": "other"}`,
		`{}`,
		`{"a": {"b": {"c": 1}}, "wide": {"k1":1,"k2":2,"k3":3,"k4":4,"k5":5,"k6":6,"k7":7,"k8":8,"k9":9}}`,
		`{"a": {"b": {"c": 3}}}`,
	}
	into := map[string]any{}
	names, vals, pool := map[string]string{}, newValueCache(), &treePool{}
	for _, s := range objects {
		l := &lazyJSON{raw: []byte(s)}
		want, ok := l.build(nil)
		if !ok {
			t.Fatalf("%s does not build", s)
		}
		if !l.buildInto(into, names, vals, pool) {
			t.Fatalf("%s does not build into a map", s)
		}
		if !reflect.DeepEqual(into, want) {
			t.Fatalf("built into a pooled map:\n%#v\nwant %#v", into, want)
		}
	}
}
