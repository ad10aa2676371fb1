package export

import (
	"reflect"
	"testing"
)

// The kept data of a Threat Dragon or OTM import reads back as
// encoding/json reads it, whatever its shape: the direct reading when it
// takes the data, encoding/json's otherwise.
func FuzzDecodeKept(f *testing.F) {
	for _, s := range []string{
		`{"document":{"detail":{"diagrams":[{"cells":[{"id":"a","data":{"threats":[{"number":1}]}}]}]}},"cells":{"SE-1":{"diagram":0,"cell":"a"}},"threats":{"T-1":{"diagram":0,"cell":"a","index":1}},"defaults":{"SE-1":"Process 1"}}`,
		`{"Document":null,"cells":{"SE-1":{"diagram":1.5,"cell":"a"}}}`,
		`{"document":{"otmVersion":"0.2.0"},"project":{"id":"p"},"elements":{"SE-1":{"id":"c"}},"assets":{},"threats":{"T-1":{"id":"t"}},"states":{"T-1":{"SE-1":"exposed"}},"mitigations":{"M-1":{"object":{"id":"m"},"state":"required","text":"x"}},"mitigation_states":{"M-1":{"SE-1":"implemented"}},"unlinked":[{"id":"u"}]}`,
		`{"unlinked":[null],"states":{"T-1":{"SE-1":1}}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		if td, ok := readTDExtension(raw); ok {
			var want tdExtension
			if err := decodeExtension(raw, &want); err != nil {
				t.Fatalf("read directly, but encoding/json says %v", err)
			}
			td.size = 0
			if !reflect.DeepEqual(buildLazy(t, td.Document), buildLazy(t, want.Document)) || !reflect.DeepEqual(td.Cells, want.Cells) ||
				!reflect.DeepEqual(td.Threats, want.Threats) || !reflect.DeepEqual(td.Defaults, want.Defaults) {
				t.Fatalf("got %#v\nwant %#v", td, want)
			}
		}
		if otm, ok := readOTMExtension(raw); ok {
			var want otmExtension
			if err := decodeExtension(raw, &want); err != nil {
				t.Fatalf("read directly, but encoding/json says %v", err)
			}
			if !reflect.DeepEqual(otm, want) {
				t.Fatalf("got %#v\nwant %#v", otm, want)
			}
		}
	})
}
