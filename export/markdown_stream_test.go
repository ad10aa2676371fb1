package export

import (
	"bytes"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// WriteMarkdown writes exactly Markdown's bytes, in one piece or in many.
func TestWriteMarkdownMatchesMarkdown(t *testing.T) {
	for _, tc := range []struct {
		name string
		m    *model.Model
	}{
		{"example", model.Example(time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC))},
		{"large", bigModel(600, 40, 20)}, // several spillAt pieces
		{"empty", &model.Model{}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			want := Markdown(tc.m)
			var got bytes.Buffer
			if err := WriteMarkdown(&got, tc.m); err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got.Bytes(), want) {
				t.Errorf("WriteMarkdown wrote %d bytes that differ from Markdown's %d", got.Len(), len(want))
			}
		})
	}
}

// A failed write ends the stream with the writer's error, whichever piece
// it hits.
func TestWriteMarkdownWriteError(t *testing.T) {
	m := bigModel(600, 40, 20)
	size := len(Markdown(m))
	if size < 3*spillAt {
		t.Fatalf("the report is %d bytes, too small to be written in several pieces", size)
	}
	for _, after := range []int{0, spillAt, size - 1} {
		err := WriteMarkdown(&failingWriter{after: after}, m)
		if err == nil || err.Error() != "disk full" {
			t.Errorf("WriteMarkdown failing after %d bytes: %v, want disk full", after, err)
		}
	}
}
