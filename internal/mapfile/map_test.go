//go:build unix

package mapfile

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// Map gives the file's bytes, and refuses a size of nothing.
func TestMap(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f")
	content := bytes.Repeat([]byte("threatdeck "), 1000)
	if err := os.WriteFile(path, content, 0o600); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	for _, tc := range []struct {
		name string
		size int64
		want []byte
	}{
		{"whole", int64(len(content)), content},
		{"a prefix", 11, content[:11]},
		{"empty", 0, nil},
		{"negative", -1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, unmap, ok := Map(f, tc.size)
			if tc.want == nil {
				if ok {
					unmap()
					t.Fatalf("mapped %d bytes", tc.size)
				}
				return
			}
			if !ok {
				t.Fatal("not mapped")
			}
			defer unmap()
			if !bytes.Equal(data, tc.want) {
				t.Errorf("mapped %d bytes that differ from the file's", len(data))
			}
		})
	}
}
