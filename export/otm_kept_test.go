package export

import (
	"bytes"
	"fmt"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
)

// otmDocs are OTM files to read both ways: the corpus, the shared sample
// and variants of them with escapes, nulls, duplicate members and wrong
// types.
func otmDocs(t *testing.T) map[string][]byte {
	t.Helper()
	docs := map[string][]byte{}
	for _, p := range []string{"testdata/corpus/otm-features.otm.json", "testdata/seeds/otm.json", "../testdata/interop/otm/mobile-cloud.otm.json"} {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		docs[p] = data
	}
	base := string(docs["testdata/corpus/otm-features.otm.json"])
	for name, r := range map[string][2]string{
		"escapes":   {`"name": "`, "\"name\": \"\\u001b]52;c;aGk=\\u0007\u202e\\u2028<&>"},
		"duplicate": {`"id": "`, `"id": "dup", "id": "`},
		"null name": {`"name": "`, `"name": null, "x": "`},
		"number":    {`"name": "`, `"name": 7, "x": "`},
		"parent":    {`"parent": {`, `"parent": [], "y": {`},
		"risk":      {`"likelihood": `, `"likelihood": 101, "l2": `},
		"nested":    {`"risk": {`, `"risk": {"z": [1, 2.50, 1e3, true, null, {"b": {}, "a": "\u00e9"}], `},
	} {
		docs[name] = []byte(strings.ReplaceAll(base, r[0], r[1]))
	}
	return docs
}

// An OTM file reads the same whether its lists are left in their bytes
// (as an import sniffs it) or built whole (as when the sniff misses):
// the same model, the same kept bytes, the same error.
func TestOTMLazyMatchesBuilt(t *testing.T) {
	for name, data := range otmDocs(t) {
		if msg := otmLazyVersusBuilt(t, data); msg != "" {
			t.Errorf("%s: %s", name, msg)
		}
	}
}

// The same on any input.
func FuzzOTMLazyMatchesBuilt(f *testing.F) {
	seed, err := os.ReadFile("testdata/seeds/otm.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(seed)
	f.Add([]byte(`{"otmVersion":"0.2.0","project":{"name":"p","id":"p"},"trustZones":[{"id":"z","name":"Z"},null],` +
		`"components":[{"id":"c","name":"C","parent":{"component":"d"},"threats":[{"threat":"t","state":"exposed","mitigations":[{"mitigation":"m","state":"required"},null]}]},` +
		`{"id":"d","name":"D","parent":{"trustZone":"z"}}],"threats":[{"id":"t","name":"T","risk":{"likelihood":50}}],` +
		`"mitigations":[{"id":"m","name":"M"},{"id":"u","name":"U"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		if msg := otmLazyVersusBuilt(t, data); msg != "" {
			t.Fatal(msg)
		}
	})
}

// otmLazyVersusBuilt reads data as an OTM file both ways and says how
// the results differ ("" when they do not).
func otmLazyVersusBuilt(t *testing.T, data []byte) string {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	read := func(lazy [][]string) (string, []byte) {
		root, err := parseInputLazy(data, "f", lazy)
		if err != nil {
			return err.Error(), nil
		}
		r := &jreader{file: "f"}
		b := newBuilder("f", now, r)
		m, err := b.build(readOTM(root, r, b))
		if err != nil {
			return err.Error(), nil
		}
		out, err := JSON(m)
		if err != nil {
			t.Fatal(err)
		}
		return "", out
	}
	builtErr, built := read(nil)
	lazyErr, lazy := read(otmLazyPaths)
	if builtErr != lazyErr || !bytes.Equal(built, lazy) {
		return fmt.Sprintf("built %q %d bytes, lazy %q %d bytes", builtErr, len(built), lazyErr, len(lazy))
	}
	return ""
}

// sizeHint is never less than what appendJSON writes, and close to it.
func TestOTMExtensionSizeHint(t *testing.T) {
	for name, data := range otmDocs(t) {
		m, err := ImportForeign(data, name, FormatOTM, time.Now())
		if err != nil {
			continue
		}
		ext, err := decodeOTMExtension(m.Extensions[ToolOTM])
		if err != nil {
			t.Fatal(err)
		}
		out, err := ext.appendJSON(nil)
		if err != nil {
			t.Fatal(err)
		}
		if hint := ext.sizeHint(); hint < len(out) || hint > 2*len(out)+4096 {
			t.Errorf("%s: size hint %d for %d bytes", name, hint, len(out))
		}
	}
	for _, s := range []string{"", "plain", "\"\\\n\r\t\b\f\x01\x1f", "é€😀", "\xff\xfe", "\u2028\u2029"} {
		if got, want := jsonStringLen(s), len(appendJSONString(nil, s)); got != want {
			t.Errorf("jsonStringLen(%q) = %d, want %d", s, got, want)
		}
	}
}

// lazyMemberValue gives what building the whole object gives for the
// member (the last of its name), and nothing for an absent one.
func FuzzLazyMemberValue(f *testing.F) {
	for _, s := range []string{
		`{"id": "a", "parent": {"trustZone": "z"}, "id": "b"}`,
		`{"x": [1, {"id": 2}], "id": null}`, `{}`, `{"id": "\u00e9\ud83d\ude00"}`, `{"a":1,"id":{"b":[]}}`,
	} {
		f.Add([]byte(s), "id")
	}
	f.Fuzz(func(t *testing.T, raw []byte, key string) {
		if tooDeep(raw, MaxImportDepth) >= 0 {
			return
		}
		tree, ok := parseTree(raw)
		obj, isObj := tree.(map[string]any)
		if !ok || !isObj {
			return
		}
		want, wantFound := obj[key]
		got, found := lazyMemberValue(raw, key, nil)
		if found != wantFound || !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v (%v), want %#v (%v)", got, found, want, wantFound)
		}
	})
}
