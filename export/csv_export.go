package export

import (
	"bytes"
	"encoding/csv"
	"strconv"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// csvHeader names the threat register's columns.
var csvHeader = []string{
	"ID", "Title", "Category", "Methodology", "Vector", "Description",
	"Surface", "Assets", "Actors", "OWASP",
	"Likelihood", "Impact", "Risk", "Band", "Status", "Mitigations",
}

// CSV writes the threat register, one row per threat, for spreadsheets:
// RFC 4180 (quoted where needed, CRLF line ends), linked entities by name,
// mitigations one per line with their status. A cell that a spreadsheet
// would run as a formula (starting with = + - @, tab or carriage return)
// is prefixed with an apostrophe, so opening the file never executes
// anything a threat's author typed.
func CSV(m *model.Model) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	w.UseCRLF = true
	if err := w.Write(csvHeader); err != nil {
		return nil, err
	}
	for _, t := range m.Threats {
		category := t.Category.Label()
		if t.Methodology != "" {
			category = string(t.Category)
		}
		var mits []string
		for _, mt := range t.Mitigations {
			mits = append(mits, mt.ID+" ["+mt.Status.Label()+"] "+oneLine(mt.Description))
		}
		row := []string{
			t.ID, t.Title, category, orDefault(t.Methodology, "STRIDE"), t.Vector, t.Description,
			names(t.Surface, func(id string) (string, bool) { e, ok := m.Element(id); return e.Name, ok }),
			names(t.Assets, func(id string) (string, bool) { a, ok := m.Asset(id); return a.Name, ok }),
			names(t.Actors, func(id string) (string, bool) { a, ok := m.Actor(id); return a.Name, ok }),
			strings.Join(t.OWASP, "; "),
			strconv.Itoa(t.Likelihood), strconv.Itoa(t.Impact), strconv.Itoa(t.Risk()), t.Band().Label(),
			t.Status.Label(), strings.Join(mits, "\n"),
		}
		for i := range row {
			row[i] = csvSafe(model.CleanText(row[i]))
		}
		if err := w.Write(row); err != nil {
			return nil, err
		}
	}
	w.Flush()
	return buf.Bytes(), w.Error()
}

// csvSafe neutralises spreadsheet formula injection (CWE-1236).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// names lists linked entities by name, falling back to the id.
func names(ids []string, lookup func(string) (string, bool)) string {
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if n, ok := lookup(id); ok && n != "" {
			out = append(out, n)
		} else {
			out = append(out, id)
		}
	}
	return strings.Join(out, "; ")
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }
