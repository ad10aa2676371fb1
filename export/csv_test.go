package export_test

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

func TestCSVRegister(t *testing.T) {
	m := model.Example(interopNow)
	out, err := export.CSV(m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasSuffix(out, []byte("\r\n")) {
		t.Error("RFC 4180 rows end in CRLF")
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatalf("not valid CSV: %v", err)
	}
	if len(rows) != len(m.Threats)+1 {
		t.Fatalf("%d rows, want a header and %d threats", len(rows), len(m.Threats))
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	for i, th := range m.Threats {
		row := rows[i+1]
		if row[col["ID"]] != th.ID || row[col["Title"]] != th.Title || row[col["Risk"]] != strconv.Itoa(th.Risk()) || row[col["Band"]] != th.Band().Label() {
			t.Errorf("row %d = %q, want threat %s", i+1, row[:4], th.ID)
		}
		if got := strings.Count(row[col["Mitigations"]], "\n") + 1; len(th.Mitigations) > 0 && got != len(th.Mitigations) {
			t.Errorf("%s: %d mitigation lines, want %d", th.ID, got, len(th.Mitigations))
		}
	}
}

// TestCSVFormulaInjection: a cell a spreadsheet would evaluate is
// neutralised; everything else, quotes and line breaks included, is
// written and read back exactly.
func TestCSVFormulaInjection(t *testing.T) {
	m, err := model.New("Injection", "", interopNow)
	if err != nil {
		t.Fatal(err)
	}
	titles := []string{`=HYPERLINK("http://evil","x")`, "+1+1", "-2+3", "@SUM(A1)", "Plain, with \"quotes\"", "a=b is fine"}
	for _, title := range titles {
		th := model.Threat{Title: title, Category: model.Tampering, Description: "line one\nline two",
			Mitigations: []model.Mitigation{{Description: "=cmd|' /C calc'!A0"}}}
		if _, err := m.PutThreat(th, interopNow); err != nil {
			t.Fatal(err)
		}
	}
	out, err := export.CSV(m)
	if err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`'=HYPERLINK("http://evil","x")`, "'+1+1", "'-2+3", "'@SUM(A1)", "Plain, with \"quotes\"", "a=b is fine"}
	for i, w := range want {
		row := rows[i+1]
		if row[1] != w {
			t.Errorf("title cell %q, want %q", row[1], w)
		}
		if row[5] != "line one\nline two" {
			t.Errorf("description %q", row[5])
		}
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@", rune(cell[0])) {
				t.Errorf("cell %q starts a formula", cell)
			}
		}
	}
}
