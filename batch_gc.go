package main

import (
	"runtime/debug"

	"github.com/spf13/cobra"
)

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

// batch runs a one-shot command's RunE with the collector at percent,
// restoring the previous setting after (the tests run commands in one
// process).
func batch(percent int, run func(*cobra.Command, []string) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		defer debug.SetGCPercent(debug.SetGCPercent(percent))
		return run(cmd, args)
	}
}
