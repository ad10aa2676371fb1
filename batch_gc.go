package main

import (
	"os"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// runE is a cobra command's RunE, which the functions here wrap.
type runE = func(*cobra.Command, []string) error

// The one-shot commands that read a whole model and exit run with the
// collector's target raised. A fresh process starts with a 4 MiB heap
// goal, so loading a 10,000-threat model ran four or five collections one
// after another while the heap grew to its size, about 20 ms of a 100 ms
// command; with the goal at several times what is live, such a process
// exits before the next collection. The TUI and the live host are
// long-lived and keep the default.
const (
	// batchGCPercent is list's, export's and check's: measured whole
	// process, export --format json went from 98-104 to 85-86 ms of CPU
	// and check from 100 to 91-98 ms, peak RSS unchanged (48, 61 MiB).
	batchGCPercent = 400
	// importGCPercent is lower: import holds the file, the model and the
	// workbook's write at once, and at 400 its peak RSS went from 80 to
	// 116 MiB; at 200 it is 82 MiB, for 180-185 ms of CPU instead of
	// 197-211 ms.
	importGCPercent = 200
)

// importLargeFile is the size of file above which import runs under a
// memory limit instead of at importGCPercent: at 200 a 100,000-element
// Threat Dragon file (190 MB, 520 MB live once imported) let the heap
// reach 1.24 GB before its last collection.
const importLargeFile = 32 << 20

// A large file's import runs under a soft memory limit: at 100
// percent alone the heap grew to twice what was live, and an import of
// 100,000 elements and 100,000 threats peaked at 0.55-0.78 GB resident
// though no file but Threat Dragon's holds more than 350 MiB live. The
// resident set stays near the limit plus 20-25 MiB (the binary, stacks,
// the workbook's mapped pages), so the limit is importMemoryLimit, well
// under the 500 MiB the issue allows, or importLimitPerByte times the file
// when that is more. An import holds the file, the model built from it
// and the document it keeps at once until the last of the file is read:
// Threat Dragon's 190 MB file peaks at 380 MiB live (480 before its reader
// let the file go once its cells were read), and a limit under what is
// live makes the collector run back to back (at 400 MiB its import took
// 0.5-1.5 s more CPU for no less memory), so the limit leaves it a
// collection's worth of room: at 3 times the file (570 MB) its import
// peaked at 560-596 MB resident, at 420 MiB at 467-524 MB. At 420
// MiB, TM-BOM's import (which peaked at 480-530 MB under 460, its kept
// document held three times by the write; see store.CreateTaking) peaks
// at 467-487 MB, OTM's at 440, at the same CPU.
const (
	importMemoryLimit  = 420 << 20
	importLimitPerByte = 2
)

// batchImport runs import's RunE as batch(importGCPercent), or, when the
// file named by its argument is larger than importLargeFile, with the
// collector off under the memory limit above (offUnder). At 100 percent
// under the same limit the collector also ran while the heap was far below
// it, as the file was read and the parse began: whole process, two runs
// each, the 100k imports took 1.14-1.19 s instead of 1.21-1.44 (threatdeck
// JSON), 2.51-2.60 instead of 2.56-3.00 (OTM), 2.57-2.58 instead of
// 2.62-2.69 (TM-BOM) and 2.59-2.67 instead of 2.76-3.53 (Threat Dragon,
// five runs), at 436-462 MiB resident instead of 467-484 for Threat Dragon
// and up to 421 MiB instead of 375-430 for the others.
func batchImport(run runE) runE {
	return func(cmd *cobra.Command, args []string) error {
		if size := largeImport(args); size > 0 {
			return offUnder(max(importMemoryLimit, importLimitPerByte*size), run)(cmd, args)
		}
		return batch(importGCPercent, run)(cmd, args)
	}
}

// largeImport returns the size of the file import's arguments name when it
// is a regular file larger than importLargeFile, else 0.
func largeImport(args []string) int64 {
	if len(args) != 1 || args[0] == "-" {
		return 0
	}
	st, err := os.Stat(args[0])
	if err != nil || !st.Mode().IsRegular() || st.Size() <= importLargeFile {
		return 0
	}
	return st.Size()
}

// releaseForCheck returns to the system what the parse of a large file
// left to the collector, before import opens a workbook that exists: the
// open check maps and reads the whole workbook (files up to 256 MB) while
// the model is held, and the two added up. A TM-BOM import of 100,000
// elements into a workbook of 71 MB peaked at 547-549 MB resident, and at
// 480 (as into a new workbook) with this, at no CPU cost measured.
func (c *cli) releaseForCheck(args []string) {
	if largeImport(args) == 0 {
		return
	}
	if p, err := c.path(); err == nil {
		if st, err := os.Stat(p); err == nil && st.Size() > 0 {
			freeOSMemory()
		}
	}
}

// freeOSMemory is debug.FreeOSMemory (a variable so a test can count it).
var freeOSMemory = debug.FreeOSMemory

// batch runs a one-shot command's RunE with the collector at percent,
// restoring the previous setting after (the tests run commands in one
// process).
func batch(percent int, run runE) runE {
	return func(cmd *cobra.Command, args []string) error {
		defer debug.SetGCPercent(debug.SetGCPercent(percent))
		return run(cmd, args)
	}
}

// A one-shot command that loads one model of the workbook and writes it
// out (export) or checks it (check of a model in the workbook) runs with
// the collector off below a memory limit sized from the workbook's file,
// instead of at batchGCPercent. At 400 percent a fresh
// process still collected once, as the load passed the first 16 MiB goal,
// and found everything live: about 7 ms of a 75 ms export of 10,000
// threats (10 MB file). Its live heap is about 2.3 times the file, so at
// 400 percent the heap could grow to five times that, 11.5 times the file:
// sizedLimitPerByte keeps the limit at that, so a collection runs, if ever,
// no later than one at 400 percent would have, and the heap is never
// allowed to grow larger than before.
const (
	sizedLimitBase    = 32 << 20
	sizedLimitPerByte = 12
	// sizedLimitMax is the most the collector is left off for: a
	// workbook of about 28 MB (some 25,000 threats).
	sizedLimitMax = 384 << 20
)

// batchSized runs RunE with the collector off up to a memory limit of
// sizedLimitBase plus sizedLimitPerByte times the workbook's size, restoring
// the previous settings after; when the workbook cannot be looked at (it
// is missing: the command reports that) it runs as batch(batchGCPercent),
// and above sizedLimitMax under largeWorkbook's limit.
func (c *cli) batchSized(run runE) runE {
	return func(cmd *cobra.Command, args []string) error {
		p, err := c.path()
		var st os.FileInfo
		if err == nil {
			st, err = os.Stat(p)
		}
		if err != nil {
			return batch(batchGCPercent, run)(cmd, args)
		}
		size := st.Size()
		if limit, ok := sizedLimit(size); ok {
			return offUnder(limit, run)(cmd, args)
		}
		return offUnder(max(largeWorkbookLimit, largeWorkbookPerByte*size/2), run)(cmd, args)
	}
}

// A workbook too large for the collector to stay off (past sizedLimitMax)
// is loaded with it off under a soft memory limit of largeWorkbookLimit or
// largeWorkbookPerByte halves of the file, whichever is more: a model's
// live heap at 100,000 threats is up to 2.1 times its workbook. At 100
// percent with no limit, the exports of the 100k imported models took
// 2.05-3.11 s at 421-482 MiB resident; under this limit 1.64-2.60 s at
// 421-473 MiB (OTM 2.30-2.32 s, TM-BOM 1.64, Threat Dragon 2.60; at 420 MiB
// Threat Dragon's export passed 500 MiB resident).
const (
	largeWorkbookLimit   = 384 << 20
	largeWorkbookPerByte = 5 // halves
)

// batchFile is batchSized for check of a model file: the collector is off
// up to a limit sized from the file named by the argument. check of a
// 12.4 MB export at 400 percent ran one collection as the import passed
// 16 MiB, and found 12 of 15 MB live: 5 ms of CPU (gctrace) in a 55 ms
// command. Its live heap is under 3 times the file, within the limit
// batchSized keeps for a workbook. A file too large for that limit is
// checked at batchGCPercent, as every file was before.
func batchFile(run runE) runE {
	return func(cmd *cobra.Command, args []string) error {
		st, err := os.Stat(args[0])
		if err != nil || !st.Mode().IsRegular() {
			return batch(batchGCPercent, run)(cmd, args)
		}
		if limit, ok := sizedLimit(st.Size()); ok {
			return offUnder(limit, run)(cmd, args)
		}
		return batch(batchGCPercent, run)(cmd, args)
	}
}

// sizedLimit is the memory limit a command reading a file of size bytes
// keeps the collector off under, and whether it is within sizedLimitMax:
// off up to twelve times a 100 MB workbook, an export of 100,000 threats
// held 1.1-1.6 GB resident.
func sizedLimit(size int64) (limit int64, ok bool) {
	limit = sizedLimitBase + sizedLimitPerByte*size
	return limit, limit <= sizedLimitMax
}

// offUnder runs RunE with the collector off under a soft memory limit,
// restoring both settings after: the collector runs only as the heap
// nears limit.
func offUnder(limit int64, run runE) runE {
	return func(cmd *cobra.Command, args []string) error {
		defer debug.SetMemoryLimit(debug.SetMemoryLimit(limit))
		defer debug.SetGCPercent(debug.SetGCPercent(-1))
		return run(cmd, args)
	}
}
