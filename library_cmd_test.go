package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
	"github.com/threatdeck/threatdeck/tui"
)

// teamFile writes a team library with the given threats into dir.
func teamFile(t *testing.T, dir, name string, threats ...model.LibraryThreat) string {
	t.Helper()
	data, err := model.MarshalLibrary(model.Library{Schema: model.LibrarySchema, Name: name, Version: "2025.1", Threats: threats})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, name+".json")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	return path
}

// adminThreat is a team threat aimed at admin interfaces.
func adminThreat(id, title string) model.LibraryThreat {
	return model.LibraryThreat{
		ID: id, Title: title, Category: model.ElevationOfPrivilege, AppliesTo: []model.ElementKind{model.KindAdmin},
		Description: "Support staff tooling reaches production data.", Mitigations: []string{"Break-glass access with approval"},
		Vector: "Infrastructure", Likelihood: 3, Impact: 5,
	}
}

func TestLibraryExportValidateAddList(t *testing.T) {
	db, dir := tempDB(t), t.TempDir()
	builtin, err := model.MarshalLibrary(model.BuiltinLibrary())
	if err != nil {
		t.Fatal(err)
	}
	if r := runCLI(t, db, "", "library", "export").ok(t); r.stdout != string(builtin) {
		t.Error("library export to stdout is not the built-in library in the team format")
	}
	out := filepath.Join(dir, "team.json")
	runCLI(t, db, "", "library", "export", "-o", out).ok(t)
	if got, _ := os.ReadFile(out); !bytes.Equal(got, builtin) {
		t.Error("library export -o wrote different bytes")
	}
	if st, err := os.Stat(out); err != nil || st.Mode().Perm() != 0o600 {
		t.Errorf("exported file mode %v, %v", st.Mode().Perm(), err)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Error("export created the workbook")
	}
	r := runCLI(t, db, "", "library", "validate", out).ok(t)
	if !strings.Contains(r.stdout, `valid threat library "threatdeck built-in" (label 2), 205 threats`) {
		t.Errorf("validate: %q", r.stdout)
	}
	if r := runCLI(t, db, "", "library", "list").ok(t); !strings.Contains(r.stdout, "No team libraries yet") {
		t.Errorf("list without libraries: %q", r.stdout)
	}

	first := teamFile(t, dir, "acme", adminThreat("ACME-1", "Support tool reaches production"))
	r = runCLI(t, db, "", "library", "add", first).ok(t)
	if !strings.Contains(r.stdout, `Added library "acme" (label 2025.1) as version 1, 1 threat`) {
		t.Errorf("add: %q", r.stdout)
	}
	second := teamFile(t, dir, "acme", adminThreat("ACME-1", "Support tool reaches production"), adminThreat("ACME-2", "Shared admin laptop"))
	if r := runCLI(t, db, "", "library", "add", second).ok(t); !strings.Contains(r.stdout, "as version 2, 2 threats") {
		t.Errorf("second add: %q", r.stdout)
	}
	// Added from stdin, as a pipeline would.
	other, _ := os.ReadFile(teamFile(t, dir, "identity", adminThreat("ID-1", "Stale admin sessions")))
	runCLI(t, db, string(other), "library", "add", "-").ok(t)

	r = runCLI(t, db, "", "library", "list").ok(t)
	lines := strings.Split(strings.TrimSpace(r.stdout), "\n")
	want := [][]string{
		{"NAME", "VERSION", "LABEL", "THREATS", "ADDED", "ACTIVE"},
		{"acme", "1", "2025.1", "1", "2025-06-01", "12:00"},
		{"acme", "2", "2025.1", "2", "2025-06-01", "12:00", "yes"},
		{"identity", "1", "2025.1", "1", "2025-06-01", "12:00", "yes"},
	}
	for i, w := range want {
		if i >= len(lines) || !slices.Equal(strings.Fields(lines[i]), w) {
			t.Errorf("list line %d: %q, want fields %q", i, lines[min(i, len(lines)-1)], w)
		}
	}

	var infos []store.LibraryInfo
	if err := json.Unmarshal([]byte(runCLI(t, db, "", "library", "list", "--json").ok(t).stdout), &infos); err != nil {
		t.Fatal(err)
	}
	if len(infos) != 3 || infos[0].Active || !infos[1].Active || infos[1].Version != 2 || infos[1].Threats != 2 || !infos[2].Added.Equal(fixedNow) {
		t.Errorf("list --json: %+v", infos)
	}
}

func TestLibraryListWithoutWorkbook(t *testing.T) {
	db := tempDB(t)
	if r := runCLI(t, db, "", "library", "list", "--json").ok(t); strings.TrimSpace(r.stdout) != "[]" {
		t.Errorf("list --json without a workbook: %q", r.stdout)
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Error("library list created the workbook")
	}
}

// TestLibraryValidateAndAddRefuseBadFiles: every problem is named by entry
// and field, nothing is stored, and no escape from the file reaches the
// terminal.
func TestLibraryValidateAndAddRefuseBadFiles(t *testing.T) {
	db, dir := tempDB(t), t.TempDir()
	good, err := model.MarshalLibrary(model.Library{Schema: model.LibrarySchema, Name: "acme", Threats: []model.LibraryThreat{
		adminThreat("ACME-1", "One"), adminThreat("ACME-2", "Two"), adminThreat("ACME-3", "Three"),
	}})
	if err != nil {
		t.Fatal(err)
	}
	bad := strings.Replace(string(good), `"ACME-2"`, `"ACME-\u001b[2J2"`, 1)
	bad = strings.Replace(bad, `"Three",`, `"Three", "severity": "high",`, 1)
	bad = strings.Replace(bad, `"Infrastructure"`, `"Mainframes"`, 1)
	path := filepath.Join(dir, "bad.json")
	os.WriteFile(path, []byte(bad), 0o600)

	r := runCLI(t, db, "", "library", "validate", path)
	if r.code != exitFail || !strings.HasPrefix(r.stderr, "threatdeck: ") || strings.Count(r.stderr, "\n") != 1 ||
		!strings.Contains(r.stderr, "bad.json is not a valid threat library: 3 problems") {
		t.Errorf("validate: exit %d, stderr %q", r.code, r.stderr)
	}
	for _, w := range []string{
		`threat 0 (ACME-1): vector: "Mainframes" is not one of the known vectors`,
		`threat 1 ("ACME-\x1b[2J2"): id:`,
		"threat 2 (ACME-3): severity: unknown field",
	} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("validate output does not say %q:\n%s", w, r.stdout)
		}
	}
	if strings.ContainsRune(r.stdout+r.stderr, 0x1b) {
		t.Errorf("a raw escape reached the terminal: %q", r.stdout)
	}

	runCLI(t, db, "", "library", "add", path).failed(t, exitFail, "bad.json was not added, nothing changed", "threat 2 (ACME-3): severity: unknown field")
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Error("a refused add created the workbook")
	}
	runCLI(t, db, "", "library", "validate", filepath.Join(dir, "missing.json")).failed(t, exitFail, "cannot read", "missing.json")
	r = runCLI(t, db, "", "library", "validate", "-")
	if r.code != exitFail || !strings.Contains(r.stdout, "unexpected end of JSON input") || !strings.Contains(r.stderr, "stdin is not a valid threat library: 1 problem") {
		t.Errorf("validate of empty stdin: exit %d, %q, %q", r.code, r.stdout, r.stderr)
	}

	exported := filepath.Join(dir, "model.json")
	runCLI(t, db, "", "example").ok(t)
	runCLI(t, db, "", "export", "1", "--format", "json", "-o", exported).ok(t)
	r = runCLI(t, db, "", "library", "add", exported)
	if r.code != exitFail || !strings.Contains(r.stderr, "model export") || !strings.Contains(r.stderr, "threatdeck import") {
		t.Errorf("adding a model export: exit %d, %q", r.code, r.stderr)
	}
	if r := runCLI(t, db, "", "library", "list").ok(t); !strings.Contains(r.stdout, "No team libraries yet") {
		t.Errorf("refused adds stored something: %q", r.stdout)
	}
}

func TestLibraryAndSuggestUsageErrors(t *testing.T) {
	db := tempDB(t)
	for _, tt := range []struct {
		args []string
		want string
	}{
		{[]string{"library", "frob"}, `unknown library command "frob"`},
		{[]string{"library", "vaildate", "x"}, `did you mean "validate"?`},
		{[]string{"library", "validate"}, "validate takes one argument"},
		{[]string{"library", "add", "a", "b"}, "add takes one argument"},
		{[]string{"library", "list", "x"}, "list takes no arguments"},
		{[]string{"library", "list", "--nope"}, "unknown flag: --nope"},
		{[]string{"library", "export", "x"}, "export takes no arguments"},
		{[]string{"suggest"}, "suggest takes one argument"},
		{[]string{"suggest", "1", "--category", "Q"}, `unknown STRIDE category "Q"`},
	} {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			runCLI(t, db, "", tt.args...).failed(t, exitUsage, tt.want, "threatdeck --help")
		})
	}
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a usage error created the workbook: %v", err)
	}
	r := runCLI(t, db, "", "library").ok(t)
	for _, w := range []string{"validate", "add", "list", "export", `"schema": "threatdeck-library/1"`, "applies_to"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("library help does not mention %s", w)
		}
	}
}

type suggestionOut struct {
	LibraryID   string   `json:"library_id"`
	Library     string   `json:"library"`
	Title       string   `json:"title"`
	Category    string   `json:"category"`
	Elements    []string `json:"elements"`
	Assets      []string `json:"assets"`
	Why         string   `json:"why"`
	Score       int      `json:"score"`
	Mitigations []string `json:"mitigations"`
	OWASP       []string `json:"owasp"`
}

func suggestJSON(t *testing.T, db string, args ...string) []suggestionOut {
	t.Helper()
	r := runCLI(t, db, "", append([]string{"suggest", "--json"}, args...)...).ok(t)
	var out []suggestionOut
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("suggest --json: %v\n%s", err, r.stdout)
	}
	return out
}

func TestSuggestCommand(t *testing.T) {
	db, dir := tempDB(t), t.TempDir()
	runCLI(t, db, "", "example").ok(t)

	// Text: ranked, id, category, title, why.
	r := runCLI(t, db, "", "suggest", "threat model").ok(t)
	lines := strings.Split(r.stdout, "\n")
	if !strings.HasPrefix(strings.TrimSpace(lines[0]), "1. TDL-") || !strings.HasPrefix(strings.TrimSpace(lines[1]), "why: ") {
		t.Errorf("suggest output starts %q", lines[:2])
	}

	// By default the 5 most relevant per category, as the STRIDE step
	// shows them; --all every suggestion, the same ones first.
	all := suggestJSON(t, db, "1", "--all")
	shown := suggestJSON(t, db, "1")
	if len(all) < 60 || len(shown) > 6*model.DefaultShown || len(shown) >= len(all) {
		t.Fatalf("%d suggestions for the example, %d shown by default", len(all), len(shown))
	}
	per := map[string]int{}
	for _, s := range shown {
		if per[s.Category]++; per[s.Category] > model.DefaultShown {
			t.Errorf("more than %d %s suggestions by default", model.DefaultShown, s.Category)
		}
	}
	if !strings.Contains(r.stdout, fmt.Sprintf("%d less relevant suggestions are not shown; --all lists them.", len(all)-len(shown))) {
		t.Errorf("the default list does not say how many --all adds:\n%s", r.stdout)
	}
	whys := func(out string) int {
		n := 0
		for line := range strings.Lines(out) {
			if strings.HasPrefix(strings.TrimSpace(line), "why: ") {
				n++
			}
		}
		return n
	}
	if n := whys(r.stdout); n != len(shown) {
		t.Errorf("text lists %d suggestions, JSON %d", n, len(shown))
	}
	if r := runCLI(t, db, "", "suggest", "--all", "1").ok(t); strings.Contains(r.stdout, "--all lists them") || whys(r.stdout) != len(all) {
		t.Errorf("--all lists %d suggestions, want %d", whys(r.stdout), len(all))
	}
	top := all[0]
	if !strings.HasPrefix(top.LibraryID, "TDL-") || top.Library != model.BuiltinLibrary().Name || top.Title == "" || top.Why == "" ||
		len(top.Elements) == 0 || len(top.Mitigations) == 0 || top.Score < all[len(all)-1].Score {
		t.Errorf("first suggestion %+v", top)
	}
	if !strings.Contains(r.stdout, top.LibraryID+"  ") || !strings.Contains(r.stdout, top.Why) {
		t.Error("text and JSON disagree on the top suggestion")
	}
	for _, s := range all {
		for _, id := range s.OWASP {
			if !strings.HasSuffix(id, ":2021") {
				t.Errorf("%s: OWASP %s is not of the example's 2021 edition", s.LibraryID, id)
			}
		}
		if s.Assets == nil || s.Elements == nil {
			t.Errorf("%s: null lists in JSON", s.LibraryID)
		}
	}
	for _, s := range suggestJSON(t, db, "1", "--category", "E") {
		if s.Category != string(model.ElevationOfPrivilege) {
			t.Errorf("--category E gave %s (%s)", s.LibraryID, s.Category)
		}
	}

	// A team library adds its threats and overrides a built-in one.
	// Override a built-in threat the example is actually offered.
	edited, ok := model.LibraryThreatByID(all[0].LibraryID)
	if !ok {
		t.Fatalf("top suggestion %s is not a built-in threat", all[0].LibraryID)
	}
	edited.Mitigations = []string{"Only through the bastion"}
	runCLI(t, db, "", "library", "add", teamFile(t, dir, "acme", adminThreat("ACME-1", "Support tool reaches production"), edited)).ok(t)
	team := map[string]suggestionOut{}
	for _, s := range suggestJSON(t, db, "1", "--all") {
		team[s.LibraryID] = s
	}
	if s, ok := team["ACME-1"]; !ok || s.Library != "acme" || !strings.Contains(s.Why, "Admin and management interfaces") {
		t.Errorf("team threat: %+v", s)
	}
	if s := team[edited.ID]; s.Library != "acme" || !slices.Equal(s.Mitigations, edited.Mitigations) {
		t.Errorf("the team's %s did not replace the built-in one: %+v", edited.ID, s)
	}

	// Dismissed in the workbook: gone from the command's output.
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Load("1")
	if err != nil {
		t.Fatal(err)
	}
	ch, err := m.Dismiss("ACME-1", fixedNow)
	if err == nil {
		err = s.Commit("1", ch.Do)
	}
	s.Close()
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range suggestJSON(t, db, "1", "--all") {
		if s.LibraryID == "ACME-1" {
			t.Error("a dismissed suggestion came back")
		}
	}

	// A model without surface elements says why there is nothing.
	runCLI(t, db, "", "new", "Blank").ok(t)
	if r := runCLI(t, db, "", "suggest", "Blank").ok(t); !strings.Contains(r.stdout, "no attack-surface elements yet") {
		t.Errorf("empty model: %q", r.stdout)
	}
	if got := suggestJSON(t, db, "Blank"); got == nil || len(got) != 0 {
		t.Errorf("empty model --json: %v", got)
	}
	runCLI(t, db, "", "suggest", "nope").failed(t, exitFail, `no model with id or title "nope"`)
}

func TestLibraryRemove(t *testing.T) {
	db, dir := tempDB(t), t.TempDir()
	for _, f := range []string{
		teamFile(t, dir, "acme", adminThreat("ACME-1", "Support tool reaches production")),
		teamFile(t, dir, "acme", adminThreat("ACME-2", "Shared admin laptop")),
		teamFile(t, dir, "identity", adminThreat("ID-1", "Stale admin sessions")),
	} {
		runCLI(t, db, "", "library", "add", f).ok(t)
	}
	active := func() []string {
		var infos []store.LibraryInfo
		if err := json.Unmarshal([]byte(runCLI(t, db, "", "library", "list", "--json").ok(t).stdout), &infos); err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, li := range infos {
			if li.Active {
				out = append(out, li.Name+":"+strconv.Itoa(li.Version))
			}
		}
		return out
	}

	r := runCLI(t, db, "", "library", "remove", "acme", "--version", "2").ok(t)
	if !strings.Contains(r.stdout, `Removed version 2 of library "acme"; version 1 is active.`) {
		t.Errorf("remove --version 2: %q", r.stdout)
	}
	if got := active(); !slices.Equal(got, []string{"acme:1", "identity:1"}) {
		t.Errorf("active after removing acme v2: %v", got)
	}
	r = runCLI(t, db, "", "library", "remove", "identity", "--version", "1").ok(t)
	if !strings.Contains(r.stdout, "it was the last version") {
		t.Errorf("remove the only version: %q", r.stdout)
	}
	r = runCLI(t, db, "", "library", "remove", "acme").ok(t)
	if !strings.Contains(r.stdout, `Removed library "acme" (1 version); suggestions no longer draw on it.`) {
		t.Errorf("remove acme: %q", r.stdout)
	}
	if got := active(); len(got) != 0 {
		t.Errorf("libraries left: %v", got)
	}

	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"library", "remove", "acme"}, exitFail, `no team library named "acme" in this workbook`},
		{[]string{"library", "remove", "acme", "--version", "3"}, exitFail, `no team library named "acme"`},
		{[]string{"library", "remove"}, exitUsage, "one argument, the library's name"},
		{[]string{"library", "remove", "acme", "--version", "-1"}, exitUsage, "--version must be a version number"},
		{[]string{"library", "remov", "acme"}, exitUsage, `did you mean "remove"`},
	} {
		runCLI(t, db, "", tc.args...).failed(t, tc.code, tc.want)
	}
}

// TestTeamLibraryReachesTUI: the TUI suggests from the workbook's team
// libraries and then the built-in one; without team libraries it is given
// none and reads the built-in library itself when it first suggests.
func TestTeamLibraryReachesTUI(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "library", "add", teamFile(t, t.TempDir(), "acme", adminThreat("ACME-1", "Support tool reaches production"))).ok(t)
	old := runTUI
	t.Cleanup(func() { runTUI = old })
	var libs []string
	runTUI = func(o tui.Options) error {
		for _, l := range o.Library {
			libs = append(libs, l.Name)
		}
		return nil
	}
	var out, errOut bytes.Buffer
	if code := run([]string{"--db", db}, strings.NewReader(""), &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	if want := []string{"acme", model.BuiltinLibrary().Name}; !slices.Equal(libs, want) {
		t.Errorf("the TUI's libraries are %q, want %q", libs, want)
	}
}
