package export

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// leftovers lists the files in dir other than the expected ones.
func leftovers(t *testing.T, dir string, expected ...string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
outer:
	for _, e := range entries {
		for _, x := range expected {
			if e.Name() == x {
				continue outer
			}
		}
		out = append(out, e.Name())
	}
	return out
}

func TestWriteFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "report.md")

	if err := WriteFile(path, []byte("first")); err != nil {
		t.Fatal(err)
	}
	// Replacing a file that was world-readable gives a private one.
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(path, []byte("second")); err != nil {
		t.Fatal(err)
	}
	got, err := os.ReadFile(path)
	if err != nil || string(got) != "second" {
		t.Fatalf("content = %q, %v", got, err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if perm := fi.Mode().Perm(); perm != 0o600 {
		t.Errorf("mode = %o, want 600", perm)
	}
	if extra := leftovers(t, dir, "report.md"); len(extra) > 0 {
		t.Errorf("files left behind: %v", extra)
	}
}

func TestWriteFileErrors(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "file.txt")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	sub := filepath.Join(dir, "sub")
	if err := os.Mkdir(sub, 0o700); err != nil {
		t.Fatal(err)
	}
	cases := []struct{ name, path, want string }{
		{"no name", "", "no file name given"},
		{"missing directory", filepath.Join(dir, "nope", "r.md"), "directory " + filepath.Join(dir, "nope") + " does not exist"},
		{"path is a directory", sub, "cannot write " + sub + ": it is a directory"},
		{"parent is a file", filepath.Join(file, "r.md"), file + " is not a directory"},
	}
	if os.Geteuid() != 0 { // root writes anywhere, so this case cannot fail as root
		ro := filepath.Join(dir, "ro")
		if err := os.Mkdir(ro, 0o500); err != nil {
			t.Fatal(err)
		}
		cases = append(cases, struct{ name, path, want string }{"unwritable directory", filepath.Join(ro, "r.md"), "permission denied"})
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteFile(tc.path, []byte("data"))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error = %v, want %q", err, tc.want)
			}
		})
	}
	if extra := leftovers(t, dir, "file.txt", "sub", "ro"); len(extra) > 0 {
		t.Errorf("files left behind: %v", extra)
	}
	if extra := leftovers(t, sub); len(extra) > 0 {
		t.Errorf("files left in %s: %v", sub, extra)
	}
}

// TestWriteFileRemovesTempOnFailure forces the last step, the rename, to
// fail (the target becomes a non-empty directory after the checks) and
// checks the temporary file is gone.
func TestWriteFileRemovesTempOnFailure(t *testing.T) {
	dir := t.TempDir()
	target := filepath.Join(dir, "report.md")
	if err := os.MkdirAll(filepath.Join(target, "inside"), 0o700); err != nil {
		t.Fatal(err)
	}
	// Bypass the directory check to reach the rename.
	err := writeAtomic(target, []byte("data"))
	if err == nil {
		t.Fatal("rename over a non-empty directory succeeded")
	}
	if extra := leftovers(t, dir, "report.md"); len(extra) > 0 {
		t.Errorf("temporary files left behind: %v", extra)
	}
}

// A link is written through: the file it names gets the report, the link
// stays a link; a dangling link or one to a device is refused.
func TestWriteFileThroughLink(t *testing.T) {
	dir := t.TempDir()
	real := filepath.Join(dir, "real.md")
	if err := os.WriteFile(real, []byte("old"), 0o600); err != nil {
		t.Fatal(err)
	}
	link := filepath.Join(dir, "link.md")
	if err := os.Symlink("real.md", link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Fatalf("the link was replaced: %v %v", fi, err)
	}
	if got, _ := os.ReadFile(real); string(got) != "new" {
		t.Fatalf("the linked file holds %q", got)
	}
	dangling := filepath.Join(dir, "dangling.md")
	if err := os.Symlink("nowhere/x.md", dangling); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(dangling, []byte("x")); err == nil || !strings.Contains(err.Error(), "link to a file that cannot be reached") {
		t.Errorf("dangling link: %v", err)
	}
	dev := filepath.Join(dir, "null")
	if err := os.Symlink(os.DevNull, dev); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(dev, []byte("x")); err == nil || !strings.Contains(err.Error(), "not a regular file") {
		t.Errorf("link to a device: %v", err)
	}
	if fi, err := os.Stat(os.DevNull); err != nil || fi.Mode().IsRegular() {
		t.Fatalf("%s was replaced", os.DevNull)
	}
}
