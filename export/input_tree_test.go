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
