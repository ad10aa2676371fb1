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
