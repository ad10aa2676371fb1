package store

import (
	"bytes"
	"encoding/binary"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

func TestSalvage(t *testing.T) {
	data := realWorkbook(t, 400)
	want := wantOf(t, data)
	// Damage one threat of the big model.
	if damageText(data, `"title":"Threat 123"`, 10) == 0 {
		t.Fatal("the threat's text is not in the file")
	}
	src := filepath.Join(t.TempDir(), "damaged.db")
	if err := os.WriteFile(src, data, 0o600); err != nil {
		t.Fatal(err)
	}
	before := readFile(t, src)
	dest := filepath.Join(t.TempDir(), "saved", "w.db")
	rep, err := Salvage(src, dest)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(before, readFile(t, src)) {
		t.Fatal("salvage wrote to the damaged workbook")
	}
	if len(rep.Models) != 2 {
		t.Fatalf("report: %+v", rep)
	}
	healthy, big := rep.Models[0], rep.Models[1]
	if healthy.Title != "Payments" || len(healthy.Lost) != 0 || healthy.NewID == "" {
		t.Errorf("healthy model: %+v", healthy)
	}
	if big.Title != "Big" || len(big.Lost) != 1 || !strings.Contains(big.Lost[0], "fails its checksum") {
		t.Errorf("damaged model: %+v", big)
	}
	got := readContents(t, dest)
	if !slices.Equal(got[healthy.NewID], want[healthy.ID]) {
		t.Error("the healthy model changed in salvage")
	}
	lost := 0
	for _, r := range want[big.ID] {
		if !slices.Contains(got[big.NewID], r) {
			lost++
		}
	}
	// The threat itself and the overview (its completion changed): no more.
	if lost == 0 || lost > 2 {
		t.Errorf("%d records of the damaged model differ after salvage", lost)
	}
	// The salvaged workbook is whole.
	out, err := Open(dest, Options{})
	if err != nil || out.Damaged() != nil {
		t.Fatalf("salvaged workbook: %v %v", err, out.Damaged())
	}
	out.Close()
	if _, err := Salvage(src, dest); err == nil || !strings.Contains(err.Error(), "already exists") {
		t.Errorf("salvage onto an existing file: %v", err)
	}
}

// Salvage gets past structural damage too: a lowered element count in the
// big model's widest branch page loses the pages it no longer names, and
// the report says how many records were lost.
func TestSalvageStructuralDamage(t *testing.T) {
	data := realWorkbook(t, 1000)
	want := wantOf(t, data)
	branch, width, page := widestBranch(data)
	binary.NativeEndian.PutUint16(data[branch*page+10:], uint16(width-1))
	if err := tryOpen(t, data, want); err == nil {
		t.Fatal("a lowered branch count went unnoticed")
	}
	src := filepath.Join(t.TempDir(), "damaged.db")
	os.WriteFile(src, data, 0o600)
	rep, err := Salvage(src, filepath.Join(t.TempDir(), "saved.db"))
	if err != nil {
		t.Fatal(err)
	}
	var lost []string
	for _, m := range rep.Models {
		lost = append(lost, m.Lost...)
	}
	if len(lost) == 0 || !strings.Contains(strings.Join(lost, "; "), "could not be reached") {
		t.Errorf("report: %+v", rep)
	}
}

// A workbook cut short (a copy that stopped half-way, a full disk) cannot
// be opened, but what is still there can be salvaged.
func TestSalvageTruncated(t *testing.T) {
	data := realWorkbook(t, 1000)
	want := wantOf(t, data)
	_, _, page := widestBranch(data)
	cut := data[:len(data)/page*page*3/4/page*page]
	if err := tryOpen(t, cut, want); err == nil {
		t.Fatal("a truncated workbook opened")
	}
	src := filepath.Join(t.TempDir(), "cut.db")
	os.WriteFile(src, cut, 0o600)
	rep, err := Salvage(src, filepath.Join(t.TempDir(), "saved.db"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Lost) == 0 || !strings.Contains(rep.Lost[0], "cut short") {
		t.Errorf("report does not say the file is cut short: %+v", rep.Lost)
	}
	saved := 0
	for _, m := range rep.Models {
		saved += m.Saved
	}
	if saved == 0 {
		t.Errorf("nothing salvaged from a file cut at three quarters: %+v", rep)
	}
}
