package export

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// WriteJSON writes exactly JSON's bytes, however the document is cut into
// pieces.
func TestWriteJSONMatchesJSON(t *testing.T) {
	withExt := model.Example(time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC))
	withExt.SetExtension("tool", []byte(`{"diagram":[1,2,3]}`), withExt.Overview.Updated)
	for _, tc := range []struct {
		name string
		m    *model.Model
	}{
		{"example", model.Example(time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC))},
		{"extensions", withExt},
		{"large", bigModel(600, 40, 20)}, // several jsonSpill pieces
		{"empty", &model.Model{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want, err := JSON(tc.m)
			if err != nil {
				t.Fatal(err)
			}
			var got bytes.Buffer
			if err := WriteJSON(&got, tc.m); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("WriteJSON wrote %d bytes that differ from JSON's %d", got.Len(), len(want))
			}
		})
	}
}

type failingWriter struct{ after int }

func (w *failingWriter) Write(p []byte) (int, error) {
	if w.after -= len(p); w.after < 0 {
		return 0, errors.New("disk full")
	}
	return len(p), nil
}

// A failed write stops the stream with the writer's error.
func TestWriteJSONWriteError(t *testing.T) {
	err := WriteJSON(&failingWriter{after: jsonSpill}, bigModel(600, 40, 20))
	if err == nil || err.Error() != "disk full" {
		t.Fatalf("WriteJSON to a failing writer: %v, want disk full", err)
	}
}

// WriteFileFrom replaces the file with what write wrote, or, when write
// fails, leaves the old file and no temporary one and returns write's
// error as it is.
func TestWriteFileFrom(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "model.json")
	if err := os.WriteFile(path, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := errors.New("the model is too large")
	err := WriteFileFrom(path, func(w io.Writer) error {
		io.WriteString(w, "partial")
		return bad
	})
	if err != bad {
		t.Fatalf("failed write: %v, want %v", err, bad)
	}
	if data, _ := os.ReadFile(path); string(data) != "old" {
		t.Errorf("file after a failed write: %q, want the old one", data)
	}
	if extra := leftovers(t, dir, "model.json"); len(extra) > 0 {
		t.Errorf("temporary files left behind: %v", extra)
	}
	m := bigModel(300, 20, 10)
	if err := WriteFileFrom(path, func(w io.Writer) error { return WriteJSON(w, m) }); err != nil {
		t.Fatal(err)
	}
	want, _ := JSON(m)
	if data, _ := os.ReadFile(path); !bytes.Equal(data, want) {
		t.Errorf("file holds %d bytes, not the %d of the document", len(data), len(want))
	}
	if fi, err := os.Stat(path); err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("file mode: %v %v, want 0600", fi.Mode(), err)
	}
}
