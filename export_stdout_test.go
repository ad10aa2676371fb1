package main

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
)

// An export to stdout, streamed or not, is byte for byte the file -o
// writes, in every format.
func TestExportToStdoutIsTheFile(t *testing.T) {
	db := filepath.Join(t.TempDir(), "workbook.db")
	runCLI(t, db, "", "example").ok(t)
	for _, name := range export.ExportNames() {
		t.Run(name, func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "out")
			runCLI(t, db, "", "export", "1", "--format", name, "-o", file).ok(t)
			want, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			for _, args := range [][]string{{"export", "1", "--format", name}, {"export", "1", "--format", name, "-o", "-"}} {
				if got := runCLI(t, db, "", args...).ok(t).stdout; got != string(want) {
					t.Errorf("%v wrote %d bytes to stdout that differ from the file's %d", args, len(got), len(want))
				}
			}
		})
	}
}

// A large Markdown or JSON export to stdout reaches it in pieces, never
// the whole document in one write (their Stream writes as it renders); a
// format without Stream is written whole.
func TestExportToStdoutStreams(t *testing.T) {
	db := filepath.Join(t.TempDir(), "workbook.db")
	sizedStartupWorkbook(t, db, 1500)
	for _, tc := range []struct {
		format  string
		streams bool
	}{{"markdown", true}, {"json", true}, {"csv", false}} {
		f, err := export.ExportFormat(tc.format)
		if err != nil {
			t.Fatal(err)
		}
		if (f.Stream != nil) != tc.streams {
			t.Fatalf("%s: Stream set %v, want %v", tc.format, f.Stream != nil, tc.streams)
		}
		var out piecesWriter
		var errOut bytes.Buffer
		if code := run([]string{"--db", db, "export", "1", "--format", tc.format}, strings.NewReader(""), &out, &errOut); code != exitOK {
			t.Fatalf("%s: exit %d, %s", tc.format, code, errOut.String())
		}
		switch {
		case out.total < 4*stdoutBuffer:
			t.Errorf("%s: %d bytes, too few to be written in pieces", tc.format, out.total)
		case tc.streams && out.largest >= out.total/2:
			t.Errorf("%s streams, yet %d of its %d bytes came in one write", tc.format, out.largest, out.total)
		case !tc.streams && out.writes != 1:
			t.Errorf("%s does not stream, yet came in %d writes", tc.format, out.writes)
		}
	}
}

// piecesWriter counts the writes it is given and their sizes.
type piecesWriter struct{ writes, total, largest int }

func (w *piecesWriter) Write(p []byte) (int, error) {
	w.writes++
	w.total += len(p)
	w.largest = max(w.largest, len(p))
	return len(p), nil
}

// A stdout that fails mid-export makes the export fail with that error,
// whichever format, streamed or not.
func TestExportToFailingStdout(t *testing.T) {
	db := filepath.Join(t.TempDir(), "workbook.db")
	runCLI(t, db, "", "example").ok(t)
	for _, name := range export.ExportNames() {
		for _, after := range []int{0, 3000} {
			var errOut bytes.Buffer
			code := run([]string{"--db", db, "export", "1", "--format", name}, strings.NewReader(""), &fullWriter{after: after}, &errOut)
			if code != exitFail || errOut.String() != "threatdeck: no space left on device\n" {
				t.Errorf("%s to a stdout full after %d bytes: exit %d, stderr %q", name, after, code, errOut.String())
			}
		}
	}
}

// fullWriter accepts after bytes, then fails every write.
type fullWriter struct{ after int }

var errFull = errors.New("no space left on device")

func (w *fullWriter) Write(p []byte) (int, error) {
	if len(p) > w.after {
		n := w.after
		w.after = 0
		return n, errFull
	}
	w.after -= len(p)
	return len(p), nil
}

// streamOut reports a failed write as itself, ahead of the document's own
// error; otherwise the document's error; and writes everything it was
// given.
func TestStreamOut(t *testing.T) {
	errDoc := errors.New("the document is too large")
	for _, tc := range []struct {
		name    string
		out     *fullWriter
		docErr  error
		wantErr error
		wantOut int
	}{
		{"written", &fullWriter{after: 1 << 30}, nil, nil, 100000},
		{"document error", &fullWriter{after: 1 << 30}, errDoc, errDoc, 100000},
		{"stdout full", &fullWriter{after: 10}, nil, errFull, 10},
		{"stdout full and a document error", &fullWriter{after: 10}, errDoc, errFull, 10},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := tc.out.after
			err := streamOut(tc.out, func(w io.Writer) error {
				for range 100 {
					if _, err := w.Write(bytes.Repeat([]byte("x"), 1000)); err != nil {
						return err
					}
				}
				return tc.docErr
			})
			if err != tc.wantErr {
				t.Errorf("streamOut = %v, want %v", err, tc.wantErr)
			}
			if got := before - tc.out.after; got != tc.wantOut {
				t.Errorf("%d bytes reached stdout, want %d", got, tc.wantOut)
			}
		})
	}
}
