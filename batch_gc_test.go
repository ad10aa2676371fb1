package main

import (
	"math"
	"os"
	"path/filepath"
	"runtime/debug"
	"testing"

	"github.com/spf13/cobra"
)

// batchSized turns the collector off below a limit sized from the
// workbook's file while the command runs, keeps it off under
// largeWorkbook's limit when that one would pass sizedLimitMax, falls back
// to batchGCPercent when there is no file to size it from, and restores
// both settings after.
func TestBatchSized(t *testing.T) {
	dir := t.TempDir()
	// A 100,000-threat workbook is about 100 MB: sized as a small one is,
	// its export would run 1.2 GB before collecting.
	db, large := sizedFiles(t, dir, ".db")
	// One whose model is past the least limit: 2.5 times the file.
	huge := filepath.Join(dir, "huge.db")
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, 200<<20); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name      string
		db        string
		gcPercent int
		limit     int64
	}{
		{"sized from the file", db, -1, sizedLimitBase + sizedLimitPerByte<<20},
		{"a large workbook", large, -1, largeWorkbookLimit},
		{"a huge workbook", huge, -1, 500 << 20},
		{"no workbook", filepath.Join(dir, "missing.db"), batchGCPercent, math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := &cli{db: tc.db}
			gc, limit := gcWhile(t, func(run func(*cobra.Command, []string) error) error { return c.batchSized(run)(nil, nil) })
			if gc != tc.gcPercent || limit != tc.limit {
				t.Errorf("while running: GC percent %d, memory limit %d; want %d, %d", gc, limit, tc.gcPercent, tc.limit)
			}
		})
	}
}

// batchImport keeps import's raised collector target for the common file
// and turns the collector off under a memory limit for a large file,
// restoring both settings after.
func TestBatchImport(t *testing.T) {
	dir := t.TempDir()
	small := filepath.Join(dir, "small.json")
	if err := os.WriteFile(small, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	large := filepath.Join(dir, "large.json")
	if err := os.WriteFile(large, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(large, importLargeFile+1); err != nil {
		t.Fatal(err)
	}
	// A file twice of which passes the limit (a 190 MB Threat Dragon
	// file is not quite that).
	huge := filepath.Join(dir, "huge.json")
	if err := os.WriteFile(huge, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(huge, 300<<20); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		args  []string
		want  int
		limit int64
	}{
		{"a small file", []string{small}, importGCPercent, math.MaxInt64},
		{"a large file", []string{large}, -1, importMemoryLimit},
		{"a huge file", []string{huge}, -1, 600 << 20},
		{"stdin", []string{"-"}, importGCPercent, math.MaxInt64},
		{"a missing file (import reports it)", []string{filepath.Join(dir, "missing.json")}, importGCPercent, math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before, beforeLimit := debug.SetGCPercent(50), debug.SetMemoryLimit(math.MaxInt64)
			t.Cleanup(func() { debug.SetGCPercent(before); debug.SetMemoryLimit(beforeLimit) })
			var gc int
			var limit int64
			err := batchImport(func(*cobra.Command, []string) error {
				gc = debug.SetGCPercent(-1)
				debug.SetGCPercent(gc)
				limit = debug.SetMemoryLimit(-1)
				return nil
			})(nil, tc.args)
			if err != nil {
				t.Fatal(err)
			}
			if gc != tc.want || limit != tc.limit {
				t.Errorf("while running: GC percent %d, memory limit %d; want %d, %d", gc, limit, tc.want, tc.limit)
			}
			if gc := debug.SetGCPercent(100); gc != 50 {
				t.Errorf("GC percent after: %d, want 50 restored", gc)
			}
			if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
				t.Errorf("memory limit after: %d, want none restored", l)
			}
		})
	}
}

// releaseForCheck returns the parse's garbage to the system only before
// a large file's import opens a workbook that exists.
func TestReleaseForCheck(t *testing.T) {
	dir := t.TempDir()
	large := filepath.Join(dir, "large.json")
	if err := os.WriteFile(large, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(large, importLargeFile+1); err != nil {
		t.Fatal(err)
	}
	small := filepath.Join(dir, "small.json")
	if err := os.WriteFile(small, []byte("{}"), 0o600); err != nil {
		t.Fatal(err)
	}
	workbook, empty := filepath.Join(dir, "w.db"), filepath.Join(dir, "empty.db")
	if err := os.WriteFile(workbook, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(empty, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	calls := 0
	old := freeOSMemory
	freeOSMemory = func() { calls++ }
	t.Cleanup(func() { freeOSMemory = old })
	for _, tc := range []struct {
		name, file, db string
		want           int
	}{
		{"a large file into a workbook", large, workbook, 1},
		{"a small file", small, workbook, 0},
		{"stdin", "-", workbook, 0},
		{"a new workbook", large, filepath.Join(dir, "new.db"), 0},
		{"an empty workbook file", large, empty, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			calls = 0
			(&cli{db: tc.db}).releaseForCheck([]string{tc.file})
			if calls != tc.want {
				t.Errorf("%d releases, want %d", calls, tc.want)
			}
		})
	}
}

// batchFile, check's for a model file, sizes the collector's limit from
// the file as batchSized does from the workbook, keeps batchGCPercent for
// a large file and when there is no regular file, and restores both
// settings after.
func TestBatchFile(t *testing.T) {
	dir := t.TempDir()
	small, large := sizedFiles(t, dir, ".json")
	for _, tc := range []struct {
		name      string
		file      string
		gcPercent int
		limit     int64
	}{
		{"sized from the file", small, -1, sizedLimitBase + sizedLimitPerByte<<20},
		{"a large file", large, batchGCPercent, math.MaxInt64},
		{"a directory", dir, batchGCPercent, math.MaxInt64},
		{"no file", filepath.Join(dir, "missing.json"), batchGCPercent, math.MaxInt64},
	} {
		t.Run(tc.name, func(t *testing.T) {
			gc, limit := gcWhile(t, func(run func(*cobra.Command, []string) error) error {
				return batchFile(run)(nil, []string{tc.file})
			})
			if gc != tc.gcPercent || limit != tc.limit {
				t.Errorf("while running: GC percent %d, memory limit %d; want %d, %d", gc, limit, tc.gcPercent, tc.limit)
			}
		})
	}
}

// gcWhile calls start with a RunE that notes the collector's percent and
// memory limit while it runs, from 100 percent and no limit, and checks
// that both are restored after.
func gcWhile(t *testing.T, start func(run func(*cobra.Command, []string) error) error) (gc int, limit int64) {
	t.Helper()
	beforeGC, beforeLimit := debug.SetGCPercent(100), debug.SetMemoryLimit(math.MaxInt64)
	t.Cleanup(func() { debug.SetGCPercent(beforeGC); debug.SetMemoryLimit(beforeLimit) })
	err := start(func(*cobra.Command, []string) error {
		gc = debug.SetGCPercent(-1)
		debug.SetGCPercent(gc)
		limit = debug.SetMemoryLimit(-1)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if after := debug.SetGCPercent(100); after != 100 {
		t.Errorf("GC percent after: %d, want 100 restored", after)
	}
	if l := debug.SetMemoryLimit(-1); l != math.MaxInt64 {
		t.Errorf("memory limit after: %d, want none restored", l)
	}
	return gc, limit
}

// sizedFiles makes a file of 1 MiB and a sparse one of 100 MiB in dir,
// named with ext.
func sizedFiles(t *testing.T, dir, ext string) (small, large string) {
	t.Helper()
	small, large = filepath.Join(dir, "small"+ext), filepath.Join(dir, "large"+ext)
	if err := os.WriteFile(small, make([]byte, 1<<20), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(large, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Truncate(large, 100<<20); err != nil {
		t.Fatal(err)
	}
	return small, large
}
