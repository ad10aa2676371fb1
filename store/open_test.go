package store

import (
	"bufio"
	"bytes"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

func TestCreatePermissions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "threatdeck")
	path := filepath.Join(dir, "workbook.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for _, c := range []struct {
		path string
		want fs.FileMode
	}{{path, 0o600}, {dir, 0o700 | fs.ModeDir}, {filepath.Dir(dir), 0o700 | fs.ModeDir}} {
		st, err := os.Stat(c.path)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode() != c.want {
			t.Errorf("%s mode = %v, want %v", c.path, st.Mode(), c.want)
		}
	}
	if s.Path() != path {
		t.Errorf("Path() = %q, want %q", s.Path(), path)
	}
}

func TestOpenEmptyFileCreatesWorkbook(t *testing.T) {
	path := filepath.Join(t.TempDir(), "empty.db")
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Create(mustNew(t, "M", "")); err != nil {
		t.Fatal(err)
	}
}

func TestOpenReadOnlyMissing(t *testing.T) {
	path := filepath.Join(t.TempDir(), "none", "workbook.db")
	_, err := Open(path, Options{ReadOnly: true})
	if !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("error = %v, want one matching fs.ErrNotExist", err)
	}
	if !strings.Contains(err.Error(), path) {
		t.Errorf("message %q does not name the file", err)
	}
	if _, err := os.Stat(filepath.Dir(path)); !errors.Is(err, fs.ErrNotExist) {
		t.Error("a read-only open created the directory")
	}
}

func TestLockContention(t *testing.T) {
	s := newStore(t)
	start := time.Now()
	_, err := Open(s.Path(), Options{})
	elapsed := time.Since(start)
	le, ok := errors.AsType[*LockedError](err)
	if !ok {
		t.Fatalf("second Open error = %v, want *LockedError", err)
	}
	if elapsed > 1500*time.Millisecond {
		t.Errorf("second Open took %v, want about a second", elapsed)
	}
	if le.Path != s.Path() || !strings.Contains(err.Error(), s.Path()) || !strings.Contains(err.Error(), "in use by another threatdeck") {
		t.Errorf("message %q should name the file and say it is in use", err)
	}
	// A reader is kept out too: the writer may be mid-commit.
	if _, err := Open(s.Path(), Options{ReadOnly: true, Timeout: 50 * time.Millisecond}); !errors.As(err, &le) {
		t.Fatalf("read-only Open while locked: %v", err)
	}
	// The first store still works, and once closed the file opens again.
	if _, err := s.Create(mustNew(t, "M", "")); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s2, err := Open(s.Path(), Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

// TestLockAcrossProcesses holds the workbook in a child process, as a
// second threatdeck would.
func TestLockAcrossProcesses(t *testing.T) {
	path := filepath.Join(t.TempDir(), "workbook.db")
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperHoldWorkbook$")
	cmd.Env = append(os.Environ(), "STORE_TEST_HOLD="+path)
	stdin, _ := cmd.StdinPipe()
	stdout, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Wait()
	defer stdin.Close()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil || line != "ready\n" {
		t.Fatalf("child: %q %v", line, err)
	}
	_, err = Open(path, Options{Timeout: 100 * time.Millisecond})
	if _, ok := errors.AsType[*LockedError](err); !ok {
		t.Fatalf("Open while another process holds the workbook: %v", err)
	}
}

// TestHelperHoldWorkbook is the child of TestLockAcrossProcesses: it holds
// the workbook open until its stdin closes.
func TestHelperHoldWorkbook(t *testing.T) {
	path := os.Getenv("STORE_TEST_HOLD")
	if path == "" {
		t.Skip("helper process only")
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	os.Stdout.WriteString("ready\n")
	_, _ = bufio.NewReader(os.Stdin).ReadString('\n')
}

// boltFile builds a bbolt file with fn, as another program (or an older
// threatdeck) would, and returns its path.
func boltFile(t testing.TB, fn func(tx *bolt.Tx) error, opts *bolt.Options) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "other.db")
	db, err := bolt.Open(path, 0o600, opts)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Update(fn); err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func put(b *bolt.Bucket, kv ...string) error {
	for i := 0; i+1 < len(kv); i += 2 {
		if err := b.Put([]byte(kv[i]), []byte(kv[i+1])); err != nil {
			return err
		}
	}
	return nil
}

// workbookWithSchema builds a threatdeck workbook, then rewrites its
// schema version as a different build would have written it.
func workbookWithSchema(t *testing.T, schema string) string {
	t.Helper()
	s := newStore(t)
	if _, err := s.Create(richModel(t, "M")); err != nil {
		t.Fatal(err)
	}
	path := s.Path()
	s.Close()
	db, err := bolt.Open(path, 0o600, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Update(func(tx *bolt.Tx) error { return put(tx.Bucket(bucketMeta), "schema", schema) }); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRefusedFiles opens files that are not usable workbooks: each gives
// its own clear error and is left byte for byte as it was.
func TestRefusedFiles(t *testing.T) {
	text := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(text, []byte("# my notes\nnot a database\n"), 0o600)
	random := filepath.Join(t.TempDir(), "random.db")
	os.WriteFile(random, bytes.Repeat([]byte{0xA5, 0x17, 0x3C}, 10000), 0o600)
	foreign := boltFile(t, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("users"))
		if err != nil {
			return err
		}
		return put(b, "alice", "admin")
	}, nil)
	// Another program's file with a meta bucket of its own.
	foreignMeta := boltFile(t, func(tx *bolt.Tx) error {
		b, err := tx.CreateBucket([]byte("meta"))
		if err != nil {
			return err
		}
		return put(b, "schema", "1")
	}, nil)
	// No synced freelist: bbolt would rewrite it on a read-write open.
	foreignNoFreelist := boltFile(t, func(tx *bolt.Tx) error {
		_, err := tx.CreateBucket([]byte("cache"))
		return err
	}, &bolt.Options{NoFreelistSync: true})
	// A meta bucket without models, or models beside foreign buckets.
	mixed := boltFile(t, func(tx *bolt.Tx) error {
		if _, err := tx.CreateBucket([]byte("models")); err != nil {
			return err
		}
		_, err := tx.CreateBucket([]byte("sessions"))
		return err
	}, nil)

	tests := []struct {
		name string
		path string
		// check inspects the error; it returns a problem or "".
		want func(error) bool
		says []string
	}{
		{"text file", text, isNotWorkbook, []string{"not a threatdeck workbook"}},
		{"random bytes", random, isNotWorkbook, []string{"not a threatdeck workbook"}},
		{"directory", t.TempDir(), isNotWorkbook, []string{"directory"}},
		{"other program's bbolt", foreign, isNotWorkbook, []string{"another program"}},
		{"other program's meta bucket", foreignMeta, isNotWorkbook, []string{"another program"}},
		{"bbolt without freelist", foreignNoFreelist, isNotWorkbook, []string{"another program"}},
		{"models beside foreign buckets", mixed, isNotWorkbook, []string{"another program"}},
		{"newer schema", workbookWithSchema(t, "7"), func(err error) bool {
			ne, ok := errors.AsType[*NewerSchemaError](err)
			return ok && ne.Found == 7 && ne.Supported == SchemaVersion
		}, []string{"version 7", "up to version " + strconv.Itoa(SchemaVersion), "upgrade threatdeck"}},
		{"garbled schema", workbookWithSchema(t, "v1"), isCorrupt, []string{"schema version"}},
		{"schema zero", workbookWithSchema(t, "0"), isCorrupt, []string{"schema version"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var before []byte
			if st, _ := os.Stat(tt.path); st.Mode().IsRegular() {
				before = readFile(t, tt.path)
			}
			s, err := Open(tt.path, Options{})
			if err == nil {
				s.Close()
				t.Fatal("Open succeeded")
			}
			if !tt.want(err) {
				t.Fatalf("error %T: %v", err, err)
			}
			for _, w := range append(tt.says, tt.path) {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("message %q does not say %q", err, w)
				}
			}
			if before != nil && !bytes.Equal(before, readFile(t, tt.path)) {
				t.Fatal("the file was modified")
			}
		})
	}
}

func isNotWorkbook(err error) bool { _, ok := errors.AsType[*NotWorkbookError](err); return ok }
func isCorrupt(err error) bool     { _, ok := errors.AsType[*CorruptError](err); return ok }

func TestOpenEmptyBoltAdoptsIt(t *testing.T) {
	path := boltFile(t, func(*bolt.Tx) error { return nil }, nil)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if _, err := s.Create(mustNew(t, "M", "")); err != nil {
		t.Fatal(err)
	}
}

func TestPositionResumes(t *testing.T) {
	s := newStore(t)
	a, _ := s.Create(mustNew(t, "A", ""))
	b, _ := s.Create(mustNew(t, "B", ""))
	if p, err := s.Position(); err != nil || !p.Equal(model.Position{}) {
		t.Fatalf("initial Position = %+v, %v", p, err)
	}
	if p, err := s.ModelPosition(a); err != nil || !p.Equal(model.Position{ModelID: a}) {
		t.Fatalf("initial ModelPosition = %+v, %v", p, err)
	}
	pa := model.Position{ModelID: a, Step: "threats", Item: "T-004"}
	pb := model.Position{ModelID: b, Step: "assets", Item: "AS-001"}
	for _, p := range []model.Position{pa, pb} {
		if err := s.SetPosition(p); err != nil {
			t.Fatal(err)
		}
	}
	path := s.Path()
	s.Close()

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if p, _ := s.Position(); !p.Equal(pb) {
		t.Errorf("Position = %+v, want %+v", p, pb)
	}
	if p, _ := s.ModelPosition(a); !p.Equal(pa) {
		t.Errorf("ModelPosition(a) = %+v, want %+v", p, pa)
	}
	if err := s.SetPosition(model.Position{ModelID: "99"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("SetPosition in a missing model: %v", err)
	}
	if _, err := s.ModelPosition("99"); !errors.Is(err, ErrNotFound) {
		t.Errorf("ModelPosition of a missing model: %v", err)
	}
	// A position outside any model (the welcome screen) is kept as is.
	home := model.Position{Step: "welcome"}
	if err := s.SetPosition(home); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Position(); !p.Equal(home) {
		t.Errorf("Position = %+v, want %+v", p, home)
	}
	// Deleting the model resumed in forgets the position.
	s.SetPosition(pb)
	if err := s.Delete(b); err != nil {
		t.Fatal(err)
	}
	if p, _ := s.Position(); !p.Equal(model.Position{}) {
		t.Errorf("Position after deleting its model = %+v", p)
	}
}
