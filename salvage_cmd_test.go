package main

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// damageRecord changes one byte of the example model's first threat text in
// every copy in the file, the way a bad disk sector would.
func damageRecord(t *testing.T, db string) []byte {
	t.Helper()
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for at := 0; ; n++ {
		i := bytes.Index(data[at:], []byte(`"id":"T-002","title":"`))
		if i < 0 {
			break
		}
		at += i + 25
		data[at] ^= 0x20
	}
	if n == 0 {
		t.Fatal("the threat's text is not in the file")
	}
	if err := os.WriteFile(db, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return data
}

// A workbook with one damaged model: the healthy model lists and exports,
// the damaged one is listed with the reason, every write command is refused
// with the same message naming the file and leaves it byte for byte, and
// salvage copies what verifies.
func TestDamagedWorkbookCommands(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "example").ok(t)
	runCLI(t, db, "", "new", "Healthy one", "--owner", "ops").ok(t)
	export := filepath.Join(t.TempDir(), "m.json")
	runCLI(t, db, "", "export", "2", "--format", "json", "-o", export).ok(t)
	data := damageRecord(t, db)

	list := runCLI(t, db, "", "list")
	if list.code != exitOK || !strings.HasPrefix(list.stderr, "threatdeck: warning: workbook "+db+" is damaged") {
		t.Errorf("list: exit %d, stderr %q", list.code, list.stderr)
	}
	if !strings.Contains(list.stdout, "Healthy one") || !strings.Contains(list.stdout, "damaged") ||
		!strings.Contains(list.stdout, `Model 1 is damaged (threat "T-002" fails its checksum)`) {
		t.Errorf("list:\n%s", list.stdout)
	}
	if js := runCLI(t, db, "", "list", "--json"); !strings.Contains(js.stdout, `"damage": "threat \"T-002\" fails its checksum"`) {
		t.Errorf("list --json:\n%s", js.stdout)
	}
	if r := runCLI(t, db, "", "export", "Healthy one"); r.code != exitOK || !strings.Contains(r.stdout, "# Healthy one") || !strings.Contains(r.stderr, "warning") {
		t.Errorf("export of the healthy model:\n%s", r.stdout)
	}
	runCLI(t, db, "", "export", "1").failed(t, exitFail, "damaged", `threat "T-002"`)

	var refusal string
	for _, args := range [][]string{{"new", "X"}, {"example", "--force"}, {"import", export}} {
		r := runCLI(t, db, "", args...)
		r.failed(t, exitFail, db, "is damaged", "salvage")
		if refusal == "" {
			refusal = r.stderr
		} else if r.stderr != refusal {
			t.Errorf("%v refused with %q, others with %q", args, r.stderr, refusal)
		}
	}
	if now, _ := os.ReadFile(db); !bytes.Equal(now, data) {
		t.Fatal("a damaged workbook was written")
	}

	dest := filepath.Join(t.TempDir(), "saved.db")
	r := runCLI(t, db, "", "salvage", dest).ok(t)
	for _, want := range []string{
		"Model 1 Threat Model: saved", `  - threat "T-002" fails its checksum`,
		"Model 2 Healthy one: saved whole", "Saved 1 of 2 models whole",
	} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("salvage output does not say %q:\n%s", want, r.stdout)
		}
	}
	if l := runCLI(t, dest, "", "list").ok(t); strings.Contains(l.stdout, "damaged") || !strings.Contains(l.stdout, "Healthy one") {
		t.Errorf("salvaged workbook:\n%s", l.stdout)
	}
	runCLI(t, db, "", "salvage", dest).failed(t, exitFail, "already exists")
}

// When the newest header page is damaged, bbolt reads the transaction
// before; list says the last change was lost and names it.
func TestLostLastChangeIsNamed(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "First").ok(t)
	runCLI(t, db, "", "new", "Second").ok(t)
	data, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	page := int(binary.NativeEndian.Uint32(data[16+8:]))
	active := 0
	if binary.NativeEndian.Uint64(data[page+16+48:]) > binary.NativeEndian.Uint64(data[16+48:]) {
		active = page
	}
	txid := binary.NativeEndian.Uint64(data[active+16+48:])
	data[active+16+20] ^= 0x04 // a bit of the root page id: the checksum fails
	if err := os.WriteFile(db, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, db, "", "list")
	want := fmt.Sprintf("its last change, transaction %d, was lost to damage", txid)
	if r.code != exitOK || !strings.Contains(r.stderr, want) || strings.Contains(r.stdout, "Second") {
		t.Errorf("list: exit %d\nstdout %s\nstderr %s", r.code, r.stdout, r.stderr)
	}
	runCLI(t, db, "", "new", "Third").failed(t, exitFail, want)
}
