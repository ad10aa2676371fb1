package store

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// testdata/schema1.db was written by threatdeck before checksums (main at
// 6e55b37): `threatdeck example`, `threatdeck new "Second model" --owner
// ops` and `threatdeck library add` of a one-threat library.
const schema1File = "testdata/schema1.db"

// copySchema1 copies the schema-1 workbook into a temporary directory.
func copySchema1(t testing.TB) string {
	t.Helper()
	data, err := os.ReadFile(schema1File)
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "old.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// migratedWorkbook returns the schema-1 workbook after its migration.
func migratedWorkbook(t testing.TB) []byte {
	t.Helper()
	path := copySchema1(t)
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	return readFile(t, path)
}

func TestMigrateRealSchema1File(t *testing.T) {
	path := copySchema1(t)
	before := readContents(t, path) // read-only: no migration
	if !bytes.Equal(readFile(t, path), readFile(t, schema1File)) {
		t.Fatal("a read-only open migrated the file")
	}
	if len(before) != 2 {
		t.Fatalf("fixture holds %d models", len(before))
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	libs, err := s.ActiveLibraries()
	if err != nil || len(libs) != 1 || libs[0].Name != "acme" {
		t.Fatalf("libraries after migration: %v, %v", libs, err)
	}
	s.Close()
	after := readContents(t, path)
	for id, recs := range before {
		if !slices.Equal(after[id], recs) {
			t.Errorf("model %s changed in migration", id)
		}
	}
	// Every value now carries its checksum and every bucket its count.
	db, err := bolt.Open(path, 0o600, &bolt.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	err = db.View(func(tx *bolt.Tx) error {
		if v := string(tx.Bucket(bucketMeta).Get(keySchema)); v != strconv.Itoa(SchemaVersion) {
			t.Errorf("schema %q after migration", v)
		}
		threats := modelBucket(tx, "1").Bucket([]byte(model.RecThreat))
		if !isSealed(threats) || entries(threats.Sequence()) != uint64(threats.Stats().KeyN) {
			t.Errorf("threat bucket: sequence %#x, %d keys", threats.Sequence(), threats.Stats().KeyN)
		}
		k, v := threats.Cursor().First()
		if _, ok := unseal([]byte(model.RecThreat), k, v); !ok {
			t.Error("a migrated record does not verify")
		}
		return nil
	})
	db.Close()
	if err != nil {
		t.Fatal(err)
	}
	// And damage to a migrated record is now found.
	data := readFile(t, path)
	if damageText(data, `"title":"Threat Model"`, 9) == 0 {
		t.Fatal("no record text in the file")
	}
	if err := tryOpen(t, data, after); err == nil {
		t.Fatal("a changed byte in a migrated record went unnoticed")
	}
}

// A file that claims schema 1 but holds checksummed buckets (its version
// byte changed) is damaged, not migrated: migrating would seal the sealed
// values a second time.
func TestSchemaVersionAgreesWithSeals(t *testing.T) {
	data := migratedWorkbook(t)
	want := wantOf(t, data)
	at := bytes.Index(data, []byte("schema"+strconv.Itoa(SchemaVersion)))
	if at < 0 {
		t.Skip("schema key not stored contiguously")
	}
	data[at+len("schema")] = '1'
	if err := tryOpen(t, data, want); err == nil {
		t.Fatal("a schema-2 file claiming schema 1 opened as healthy")
	}
}

// A schema-1 record that is not JSON (damage no checksum could catch yet)
// is not sealed: the migration is rolled back, the file is left as it was
// and reads as damaged, with the model listed damaged.
func TestMigrationDoesNotSealDamage(t *testing.T) {
	path := copySchema1(t)
	data := readFile(t, path)
	if damageText(data, `{"id":"T-003"`, 0) == 0 {
		t.Fatal("record not found")
	}
	os.WriteFile(path, data, 0o600)
	s, err := Open(path, Options{})
	if err != nil || s.Damaged() == nil || !strings.Contains(s.Damaged().Error(), `threat "T-003" in models does not decode`) {
		t.Fatalf("migrating a damaged record: %v, %v", err, s.Damaged())
	}
	defer s.Close()
	sums, err := s.List()
	if err != nil || sums[0].Damage == "" || sums[1].Damage != "" {
		t.Fatalf("List: %+v, %v", sums, err)
	}
	if _, err := s.Create(mustNew(t, "After", "")); !isCorrupt(err) {
		t.Fatalf("write: %v", err)
	}
	s.Close()
	if !bytes.Equal(data, readFile(t, path)) {
		t.Fatal("the damaged schema-1 file was changed")
	}
}
