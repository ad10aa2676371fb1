package store

import (
	"bytes"
	"encoding/json"
	"testing"
)

// checkDecodeRaw fails unless decodeRaw gives what json.Unmarshal gives
// for data: the same bytes, or an error where it errs, with its message.
func checkDecodeRaw(t *testing.T, data []byte) {
	t.Helper()
	var got, want json.RawMessage
	gotErr, wantErr := decodeRaw(data, &got), json.Unmarshal(data, &want)
	if (gotErr == nil) != (wantErr == nil) || (gotErr != nil && gotErr.Error() != wantErr.Error()) {
		t.Fatalf("decodeRaw(%q): error %v; json.Unmarshal %v", data, gotErr, wantErr)
	}
	if !bytes.Equal(got, want) {
		t.Fatalf("decodeRaw(%q) = %q; json.Unmarshal %q", data, got, want)
	}
	if len(got) > 0 && len(data) > 0 && &got[0] == &data[0] {
		t.Fatalf("decodeRaw(%q) kept the stored bytes, which bbolt lets go", data)
	}
}

func TestDecodeRawIsUnmarshal(t *testing.T) {
	for _, c := range []string{
		`{"document":{"a":[1,2,{"b":"c\u00e9"}]},"cells":{}}`,
		" \t{\"a\":1}\r\n ", `null`, `"text"`, `12.5e-3`, `[]`,
		``, ` `, `{"a":`, `{"a":1}}`, `{"a":1} x`, "\"\x01\"", `{"a":01}`,
	} {
		checkDecodeRaw(t, []byte(c))
	}
}

func FuzzDecodeRaw(f *testing.F) {
	for _, c := range []string{`{"a":[1,"x",null]}`, ` [true] `, `{"a"`, `"\u12"`} {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, data []byte) { checkDecodeRaw(t, data) })
}
