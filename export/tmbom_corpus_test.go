package export_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// Retired and won't-do controls are not mitigations (not "planned"), and
// the titles of the risks naming a threat reach the model and the report.
func TestTMBOMRetiredControlsAndRiskTitles(t *testing.T) {
	tree := interopTree(t, interopFile(t, "tm-bom/huskyai.tmbom.json")).(map[string]any)
	controls := arr(tree, "controls")
	var retired, wontDo string
	for _, c := range controls {
		if len(arr(c, "threats")) == 0 {
			continue
		}
		switch {
		case retired == "":
			obj(c)["status"], retired = "retired", str(c, "title")
		case wontDo == "":
			obj(c)["status"], wontDo = "wont_do", str(c, "title")
		}
	}
	data, err := json.Marshal(tree)
	if err != nil {
		t.Fatal(err)
	}
	m, err := export.Import(data, "husky.json")
	if err != nil {
		t.Fatal(err)
	}
	var described int
	for _, th := range m.Threats {
		for _, mt := range th.Mitigations {
			if strings.HasPrefix(mt.Description, retired) || strings.HasPrefix(mt.Description, wontDo) {
				t.Errorf("%s: %q is a %s mitigation; retired and won't-do controls are not mitigations", th.ID, mt.Description, mt.Status)
			}
		}
		if strings.Contains(th.Description, retired+" (retired)") || strings.Contains(th.Description, wontDo+" (won't do)") {
			described++
		}
	}
	if described == 0 {
		t.Error("no threat names the controls not pursued")
	}
	risk := str(arr(tree, "risks")[0], "title")
	report := string(export.Markdown(m))
	if !strings.Contains(report, risk) {
		t.Errorf("the report does not show the risk title %q", risk)
	}
	for _, c := range m.Checklists {
		if c.Group == "TM-BOM controls" && c.State == model.StatePlanned && (c.Title == retired || c.Title == wontDo) {
			t.Errorf("%s is planned", c.Title)
		}
	}
}
