package store

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"sync"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

func TestBackupWhileOpen(t *testing.T) {
	s := newStore(t)
	m := richModel(t, "Payments")
	id, err := s.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	// Keep committing while backups are taken: each copy is a consistent
	// snapshot that opens and loads.
	var wg sync.WaitGroup
	stop := make(chan struct{})
	wg.Go(func() {
		now := tick()
		for i := 0; ; i++ {
			select {
			case <-stop:
				return
			default:
			}
			ch, err := m.PutParking(model.ParkingItem{Text: "note"}, now())
			if err != nil {
				t.Error(err)
				return
			}
			if err := s.Commit(id, ch.Do); err != nil {
				t.Error(err)
				return
			}
		}
	})
	dir := t.TempDir()
	var dests []string
	for i := range 5 {
		dest := filepath.Join(dir, "backup-"+string(rune('a'+i))+".db")
		if err := s.Backup(dest); err != nil {
			t.Fatal(err)
		}
		dests = append(dests, dest)
	}
	close(stop)
	wg.Wait()

	for _, dest := range dests {
		st, err := os.Stat(dest)
		if err != nil {
			t.Fatal(err)
		}
		if st.Mode().Perm() != 0o600 {
			t.Errorf("backup mode = %v, want 0600", st.Mode().Perm())
		}
		b, err := Open(dest, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("backup does not open: %v", err)
		}
		got, err := b.Load(id)
		b.Close()
		if err != nil {
			t.Fatal(err)
		}
		if got.Overview.Title != "Payments" || len(got.Threats) != len(m.Threats) {
			t.Fatalf("backup holds %q with %d threats", got.Overview.Title, len(got.Threats))
		}
		// Each backup is a snapshot: its parking lot matches its own counter.
		if n := got.Seq[model.PrefixParking]; len(got.Parking) != n {
			t.Fatalf("backup is inconsistent: %d parking items, counter %d", len(got.Parking), n)
		}
	}
	// No temporary files are left behind.
	entries, _ := os.ReadDir(dir)
	if len(entries) != len(dests) {
		t.Errorf("backup directory holds %d files, want %d", len(entries), len(dests))
	}
}

func TestBackupFinal(t *testing.T) {
	s := newStore(t)
	m := richModel(t, "Payments")
	if _, err := s.Create(m); err != nil {
		t.Fatal(err)
	}
	dest := filepath.Join(t.TempDir(), "copy.db")
	if err := s.Backup(dest); err != nil {
		t.Fatal(err)
	}
	b, err := Open(dest, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Close()
	got, err := b.Load(m.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(recordsJSON(t, got), recordsJSON(t, m)) {
		t.Fatal("the backup's model differs")
	}
}

func TestBackupDestinations(t *testing.T) {
	s := newStore(t)
	s.Create(mustNew(t, "M", ""))

	// A directory receives a file named like the workbook.
	dir := t.TempDir()
	if err := s.Backup(dir); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.Base(s.Path()))); err != nil {
		t.Fatalf("backup into a directory: %v", err)
	}
	// An existing file is replaced whole.
	old := filepath.Join(dir, "old.db")
	os.WriteFile(old, []byte("previous"), 0o644)
	if err := s.Backup(old); err != nil {
		t.Fatal(err)
	}
	if st, _ := os.Stat(old); st.Mode().Perm() != 0o600 || st.Size() < 4096 {
		t.Fatalf("replaced backup: mode %v size %d", st.Mode().Perm(), st.Size())
	}

	for name, dest := range map[string]string{
		"itself":        s.Path(),
		"its directory": filepath.Dir(s.Path()),
		"missing dir":   filepath.Join(t.TempDir(), "no", "such", "x.db"),
		"empty path":    "",
	} {
		t.Run(name, func(t *testing.T) {
			before := readFile(t, s.Path())
			err := s.Backup(dest)
			if err == nil {
				t.Fatal("Backup succeeded")
			}
			if dest != "" && !strings.Contains(err.Error(), filepath.Base(dest)) {
				t.Errorf("message %q does not name the destination", err)
			}
			if string(before) != string(readFile(t, s.Path())) {
				t.Fatal("the workbook changed")
			}
		})
	}
}
