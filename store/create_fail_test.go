package store

import (
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// A workbook that cannot be created — the disk fills, a directory may not
// be written — leaves nothing behind, and the message says why in the
// user's terms: no temporary names, no internal steps.
func TestFailedCreationLeavesNothing(t *testing.T) {
	root := t.TempDir()
	src := newStore(t)
	if _, err := src.Create(bigModel(t)); err != nil {
		t.Fatal(err)
	}
	src.Close()
	cases := []struct {
		name, path string
	}{
		{"new workbook, new directories", filepath.Join(root, "a", "b", "workbook.db")},
		{"backup", filepath.Join(root, "backup.db")},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			// A file size limit makes every write past it fail as a full
			// disk would (EFBIG instead of ENOSPC), in a child process.
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperFullDisk$")
			cmd.Env = append(os.Environ(), "STORE_TEST_FULL="+c.path, "STORE_TEST_FULL_SRC="+src.Path())
			out, _ := cmd.CombinedOutput()
			msg := string(out)
			if !strings.Contains(msg, "file too large") || !strings.Contains(msg, c.path) {
				t.Fatalf("child said %q", msg)
			}
			for _, bad := range []string{".tmp", "tmp-", "meta 0", "copy:", "write /"} {
				if strings.Contains(msg, bad) {
					t.Errorf("message shows an internal detail %q: %s", bad, msg)
				}
			}
			if _, err := os.Stat(c.path); !errors.Is(err, fs.ErrNotExist) {
				t.Errorf("%s was left behind", c.path)
			}
			entries, _ := os.ReadDir(root)
			if len(entries) != 0 {
				t.Errorf("left behind in the directory: %v", entries)
			}
		})
	}
	if os.Geteuid() != 0 {
		t.Run("no permission", func(t *testing.T) {
			dir := filepath.Join(root, "ro")
			os.Mkdir(dir, 0o500)
			path := filepath.Join(dir, "x", "workbook.db")
			if _, err := Open(path, Options{}); err == nil || strings.Contains(err.Error(), "tmp") {
				t.Fatalf("Open under a read-only directory: %v", err)
			}
			if entries, _ := os.ReadDir(dir); len(entries) != 0 {
				t.Errorf("left behind: %v", entries)
			}
		})
	}
}

// TestHelperFullDisk is the child of TestFailedCreationLeavesNothing: it
// creates a workbook (or, with a source, a backup) under a file size limit
// and prints the error.
func TestHelperFullDisk(t *testing.T) {
	path := os.Getenv("STORE_TEST_FULL")
	if path == "" {
		t.Skip("helper process only")
	}
	var src *Store
	if strings.HasSuffix(path, "backup.db") {
		var err error
		if src, err = Open(os.Getenv("STORE_TEST_FULL_SRC"), Options{ReadOnly: true}); err != nil {
			t.Fatal(err)
		}
	}
	signal.Ignore(syscall.SIGXFSZ)
	// 6 KiB: the backup's second header page already fails (bbolt then
	// says "meta 1 copy: write <temp file>: …"), a new workbook's first write.
	lim := syscall.Rlimit{Cur: 6 << 10, Max: 6 << 10}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skip(err)
	}
	var err error
	if src != nil {
		err = src.Backup(path)
	} else {
		var s *Store
		if s, err = Open(path, Options{}); err == nil {
			s.Close()
		}
	}
	os.Stdout.WriteString(err.Error() + "\n")
}
