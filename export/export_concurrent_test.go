package export

import (
	"bytes"
	"errors"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// splitAll makes every export that can be split across goroutines split,
// however small the model, for the duration of the test.
func splitAll(t *testing.T) {
	t.Helper()
	md, js := concurrentMin, parallelThreatsMin
	concurrentMin, parallelThreatsMin = 0, 0
	t.Cleanup(func() { concurrentMin, parallelThreatsMin = md, js })
}

// onePass is the report rendered in one pass on one goroutine.
func onePass(m *model.Model) []byte {
	r := newReport(m)
	r.head()
	r.tail()
	return r.b
}

// The Markdown report and the JSON document split across goroutines are
// byte for byte what one pass writes, returned or streamed.
func TestSplitExportsAreOnePass(t *testing.T) {
	models := []struct {
		name string
		m    *model.Model
	}{
		{"example", model.Example(time.Date(2024, 1, 15, 0, 0, 0, 0, time.UTC))},
		{"large", bigModel(700, 40, 20)}, // 11 blocks of threats, the last one short
		{"one threat", bigModel(1, 40, 20)},
		{"empty", &model.Model{}},
	}
	for _, tc := range models {
		t.Run(tc.name, func(t *testing.T) {
			wantMD := onePass(tc.m)
			wantJSON, err := JSON(tc.m) // below the thresholds: one pass
			if err != nil {
				t.Fatal(err)
			}
			splitAll(t)
			if got := Markdown(tc.m); !bytes.Equal(got, wantMD) {
				t.Errorf("Markdown split: %d bytes that differ from one pass's %d", len(got), len(wantMD))
			}
			var md bytes.Buffer
			if err := WriteMarkdown(&md, tc.m); err != nil || !bytes.Equal(md.Bytes(), wantMD) {
				t.Errorf("WriteMarkdown split: %d bytes, %v; want one pass's %d", md.Len(), err, len(wantMD))
			}
			got, err := JSON(tc.m)
			if err != nil || !bytes.Equal(got, wantJSON) {
				t.Errorf("JSON split: %d bytes, %v; want one pass's %d", len(got), err, len(wantJSON))
			}
			var js bytes.Buffer
			if err := WriteJSON(&js, tc.m); err != nil || !bytes.Equal(js.Bytes(), wantJSON) {
				t.Errorf("WriteJSON split: %d bytes, %v; want one pass's %d", js.Len(), err, len(wantJSON))
			}
		})
	}
}

// A failed write ends a split export with the writer's error, wherever in
// the document it hits.
func TestSplitExportsWriteError(t *testing.T) {
	splitAll(t)
	m := bigModel(700, 40, 20)
	md, js := len(Markdown(m)), func() int { b, _ := JSON(m); return len(b) }()
	for _, tc := range []struct {
		name  string
		size  int
		write func(*failingWriter) error
	}{
		{"markdown", md, func(w *failingWriter) error { return WriteMarkdown(w, m) }},
		{"json", js, func(w *failingWriter) error { return WriteJSON(w, m) }},
	} {
		for _, after := range []int{0, tc.size / 2, tc.size - 1} {
			if err := tc.write(&failingWriter{after: after}); err == nil || err.Error() != "disk full" {
				t.Errorf("%s failing after %d of %d bytes: %v, want disk full", tc.name, after, tc.size, err)
			}
		}
	}
}

// A panic while a block of threats is written is raised on the caller's
// goroutine, as in one pass, after the other blocks are done.
func TestSplitJSONPanicReachesCaller(t *testing.T) {
	w := jsonWriter{out: &bytes.Buffer{}}
	boom := errors.New("boom")
	defer func() {
		if p := recover(); p != boom {
			t.Fatalf("recovered %v, want the block's panic", p)
		}
	}()
	w.blocks(1000, 10, 2, func(bw *jsonWriter, i int) {
		if i == 555 {
			panic(boom)
		}
		bw.int(i)
	})
	t.Fatal("blocks returned after a block panicked")
}
