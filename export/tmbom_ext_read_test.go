package export

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"
)

// The kept extension read lazily must be, its lazy objects built, what
// encoding/json decodes (UseNumber), and fail with its error wherever it
// fails.
func TestTMBOMExtensionReadMatchesEncodingJSON(t *testing.T) {
	deep := strings.Repeat("[", 70) + strings.Repeat("]", 70)
	tests := []struct{ name, raw string }{
		{"lists", `{"document":{"version":"1","scope":{"tier":"x"},"trust_boundaries":[{"b":1.50,"a":"x"},"s",null],` +
			`"data_stores":[{"symbolic_name":"db","vendor":"V"},{"symbolic_name":"db","vendor":7}],"controls":[{"symbolic_name":"c"},"x",{"symbolic_name":"d"}]},` +
			`"elements":{"e1":"components/a"},"threats":{"t1":"x"},"mitigations":{}}`},
		{"spaces", " \n{ \"document\" : { \"components\" : [ { \"a\" : [ 1 , { } ] } ] } , \"threats\" : { } } \n"},
		{"escapes", `{"document":{"components":[{"t":"a\u001b\ud800\"\\ \xff","t":"dup"}]},"elements":{"\u0065\xfe":"x\u2028"}}`},
		{"null document", `{"document":null,"elements":null}`},
		{"empty", `{}`},
		{"other case", `{"Document":{"version":"2"},"ELEMENTS":{"a":"b"}}`},
		{"escaped name", `{"docum\u0065nt":{"version":"2"}}`},
		{"member twice", `{"elements":{"a":"b"},"elements":{"c":"d"}}`},
		{"document twice", `{"document":{"a":[{"x":1}]},"document":{"b":2}}`},
		{"unknown member", `{"document":{},"other":[1,2]}`},
		{"null origin", `{"elements":{"a":null}}`},
		{"number origin", `{"elements":{"a":1}}`},
		{"document array", `{"document":[1]}`},
		{"trailing text", `{"document":{"version":"1"}} trailing`},
		{"two values", `{"document":{}}{"elements":{"a":"b"}}`},
		{"damaged", `{"document":{"components":[{"a":}]}}`},
		{"damaged origin", `{"elements":{"a":"b}`},
		{"deep", `{"document":{"components":[{"a":` + deep + `}],"b":` + deep + `}}`},
		{"not an object", `[1]`},
		{"blank", ``},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { checkExtensionRead(t, []byte(tt.raw)) })
	}
}

// FuzzTMBOMExtensionRead holds the lazy read to encoding/json's on any
// bytes.
func FuzzTMBOMExtensionRead(f *testing.F) {
	for _, s := range []string{`{"document":{"trust_boundaries":[{"a":1}],"controls":[{"symbolic_name":"c"}]},"elements":{"e":"components/x"}}`,
		`{"Document":null}`, `{"threats":{"a":"b"},"threats":{}}`, `{"document":{}} x`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) { checkExtensionRead(t, raw) })
}

// checkExtensionRead compares readTMBOMExtension with encoding/json on raw.
func checkExtensionRead(t *testing.T, raw []byte) {
	t.Helper()
	var want tmbomExtension
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	wantErr := dec.Decode(&want)
	got, err := readTMBOMExtension(raw)
	if (err != nil) != (wantErr != nil) || err != nil && !strings.HasSuffix(err.Error(), wantErr.Error()) {
		t.Fatalf("error %v, encoding/json %v", err, wantErr)
	}
	if err != nil {
		return
	}
	if got.Document != nil {
		got.Document = buildLazy(t, got.Document).(map[string]any)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read\n%#v\nencoding/json\n%#v", got, want)
	}
}
