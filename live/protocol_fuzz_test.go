package live

import (
	"bufio"
	"bytes"
	"encoding/json"
	"testing"
)

// FuzzDecode feeds arbitrary bytes to the frame reader, the frame decoder
// and the edit and event decoders: they return errors, never panic, and
// never return a frame over the bound.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		`{"op":"hello","id":1,"v":1,"body":{"join":true,"name":"ana"}}`,
		`{"op":"commit","id":2,"body":{"model_id":"1","edit":{"label":"x","records":[{"kind":"threat","id":"T-001","value":{"id":"T-001","title":"t","mitigations":[{"id":"M-1"}]}},{"kind":"seq","id":"T","value":1},{"kind":"asset","id":"AS-1","value":null}]}}}`,
		`{"event":{"kind":"edit","seq":3,"edit":{"records":[{"kind":"overview","value":{"title":"x"}}]}}}`,
		`{"id":4,"err":{"text":"no","code":"ambiguous","ref":"x","ids":["1","2"]}}`,
		`{"op":"list"`, "\n\n", `{"event":{"kind":"edit","edit":{"records":[{"kind":"nope","value":1}]}}}`,
	} {
		f.Add([]byte(s + "\n"))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		r := bufio.NewReaderSize(bytes.NewReader(data), 16)
		for {
			line, err := readFrame(r, 1024)
			if err != nil {
				break
			}
			if len(line) > 1024 {
				t.Fatalf("frame of %d bytes over the bound", len(line))
			}
			if id, body, ok := splitReply(line); ok {
				// A reply split without decoding is the frame decoding
				// would give, when it decodes.
				if fr, err := decodeFrame(line); err == nil && (fr.ID != id || !bytes.Equal(bytes.TrimSpace(fr.Body), bytes.TrimSpace(body))) && fr.Event == nil && fr.Err == nil && fr.Op == "" && fr.V == 0 {
					t.Fatalf("%q split as %d %q, decoded as %+v", line, id, body, fr)
				}
			}
			fr, err := decodeFrame(line)
			if err != nil {
				continue
			}
			if fr.Event != nil {
				_, _ = fromWireEvent(fr.Event)
			}
			if fr.Err != nil {
				_ = fromWireError(fr.Err).Error()
			}
			var req commitRequest
			if json.Unmarshal(fr.Body, &req) == nil {
				if e, err := fromWireEdit(req.Edit); err == nil {
					// What decodes encodes again.
					if _, err := toWireEdit(e); err != nil {
						t.Fatal(err)
					}
				}
			}
		}
	})
}

// TestEncodeFrame: a spliced body reads back as the frame it came from.
func TestEncodeFrame(t *testing.T) {
	for _, f := range []frame{
		{}, {Body: json.RawMessage(`{"a":[1,2]}`)}, {ID: 7, Body: json.RawMessage(`"x"`)},
		{Op: opHello, ID: 1, V: 1, Body: json.RawMessage(`{"join":true}`)}, {ID: 3, Err: &wireError{Text: "no"}},
	} {
		line, err := encodeFrame(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := decodeFrame(line)
		if err != nil {
			t.Fatalf("%s: %v", line, err)
		}
		if got.ID != f.ID || got.Op != f.Op || string(got.Body) != string(f.Body) || (got.Err == nil) != (f.Err == nil) {
			t.Errorf("%s read back as %+v", line, got)
		}
	}
}
