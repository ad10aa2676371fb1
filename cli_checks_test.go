package main

import (
	"os"
	"path/filepath"
	"testing"
)

// Errors say what is wrong: an -o with no name is a usage error, a file
// that exists but cannot be replaced is not "no such file", a workbook in
// a directory that does not exist is not an empty list, and an empty
// title is named as such.
func TestCLIErrorWording(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "Payments").ok(t)
	if _, err := os.Stat("/proc/self/status"); err != nil {
		t.Skip("no /proc")
	}
	missing := filepath.Join(t.TempDir(), "no", "such", "w.db")
	tests := []struct {
		name string
		db   string
		args []string
		code int
		want []string
	}{
		{"-o empty", db, []string{"export", "Payments", "-o", ""}, exitUsage, []string{"-o needs a file name"}},
		{"-o blank", db, []string{"export", "Payments", "--output= "}, exitUsage, []string{"-o needs a file name"}},
		{"library -o empty", db, []string{"library", "export", "-o", ""}, exitUsage, []string{"-o needs a file name"}},
		{"-o a /proc file", db, []string{"export", "Payments", "-o", "/proc/self/status"}, exitFail,
			[]string{"cannot write /proc/self/status", "cannot create a temporary file beside it in /proc/self"}},
		{"-o a device", db, []string{"export", "Payments", "-o", "/dev/null"}, exitFail, []string{"/dev/null", "not a regular file"}},
		{"list of a workbook not created yet", tempDB(t), []string{"list"}, exitFail, []string{"there is no workbook at", "threatdeck new TITLE"}},
		{"list in a missing directory", missing, []string{"list"}, exitFail, []string{"there is no workbook at " + missing}},
		{"list --json in a missing directory", missing, []string{"list", "--json"}, exitFail, []string{"there is no workbook at"}},
		{"export in a missing directory", missing, []string{"export", "1"}, exitFail, []string{"there is no workbook at " + missing}},
		{"new with an empty title", db, []string{"new", ""}, exitUsage, []string{"the title must not be empty"}},
		{"new with a blank title", db, []string{"new", "  "}, exitUsage, []string{"the title must not be empty"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			runCLI(t, tt.db, "", tt.args...).failed(t, tt.code, tt.want...)
		})
	}
	if _, err := os.Stat(filepath.Dir(missing)); err == nil {
		t.Error("list or export created the workbook's directory")
	}
}
