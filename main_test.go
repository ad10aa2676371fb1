package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
	"github.com/threatdeck/threatdeck/tui"
)

var fixedNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// result is one command line's outcome.
type result struct {
	code           int
	stdout, stderr string
}

// runCLI runs threatdeck in-process with args against the workbook db (when
// db is not empty), feeding stdin.
func runCLI(t *testing.T, db, stdin string, args ...string) result {
	t.Helper()
	oldClock, oldTUI := clock, runTUI
	t.Cleanup(func() { clock, runTUI = oldClock, oldTUI })
	clock = func() time.Time { return fixedNow }
	runTUI = func(tui.Options) error { t.Fatal("the TUI was started"); return nil }
	if db != "" {
		args = append([]string{"--db", db}, args...)
	}
	var out, errOut bytes.Buffer
	code := run(args, strings.NewReader(stdin), &out, &errOut)
	return result{code, out.String(), errOut.String()}
}

// ok fails the test unless r succeeded quietly on stderr.
func (r result) ok(t *testing.T) result {
	t.Helper()
	if r.code != exitOK || r.stderr != "" {
		t.Fatalf("exit %d, stderr %q", r.code, r.stderr)
	}
	return r
}

// failed checks r failed with code, printing one "threatdeck: " line that
// contains every want.
func (r result) failed(t *testing.T, code int, want ...string) {
	t.Helper()
	if r.code != code {
		t.Errorf("exit code %d, want %d (stderr %q)", r.code, code, r.stderr)
	}
	if !strings.HasPrefix(r.stderr, "threatdeck: ") || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("stderr %q is not one line prefixed \"threatdeck: \"", r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(r.stderr, w) {
			t.Errorf("stderr %q does not say %q", r.stderr, w)
		}
	}
	if r.stdout != "" {
		t.Errorf("stdout %q on failure", r.stdout)
	}
}

func tempDB(t *testing.T) string {
	return filepath.Join(t.TempDir(), "data", "workbook.db")
}

func TestUsageErrors(t *testing.T) {
	db := tempDB(t)
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"bogus"}, `unknown command "bogus"`},
		{[]string{"lsit"}, `did you mean "list"?`},
		{[]string{"--nope"}, "unknown flag: --nope"},
		{[]string{"list", "--nope"}, "unknown flag: --nope"},
		{[]string{"list", "extra"}, "list takes no arguments"},
		{[]string{"new"}, "new takes one argument"},
		{[]string{"new", "a", "b"}, "new takes one argument"},
		{[]string{"new", "T", "--owner"}, "flag needs an argument"},
		{[]string{"example", "x"}, "example takes no arguments"},
		{[]string{"export"}, "export takes one argument"},
		{[]string{"export", "1", "--format", "pdf"}, `unknown export format "pdf"`},
		{[]string{"import"}, "import takes one argument"},
		{[]string{"backup"}, "backup takes one argument"},
		{[]string{"version", "now"}, "version takes no arguments"},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			runCLI(t, db, "", tt.args...).failed(t, exitUsage, tt.want, "threatdeck --help")
		})
	}
	// Usage errors are caught before the workbook is touched.
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Errorf("a usage error created the workbook: %v", err)
	}
}

func TestHelp(t *testing.T) {
	r := runCLI(t, "", "", "--help").ok(t)
	for _, w := range []string{"list", "new", "example", "export", "import", "backup", "version", "--db", "--accessible"} {
		if !strings.Contains(r.stdout, w) {
			t.Errorf("help does not mention %s", w)
		}
	}
}

func TestNewListExport(t *testing.T) {
	db := tempDB(t)
	// A missing workbook is said to be missing, as export says it, not
	// listed as empty: a mistyped --db would look like an empty workbook.
	runCLI(t, db, "", "list").failed(t, exitFail, "there is no workbook at "+db, "threatdeck new TITLE")
	runCLI(t, db, "", "list", "--json").failed(t, exitFail, "there is no workbook at "+db)
	if _, err := os.Stat(db); !os.IsNotExist(err) {
		t.Fatal("list created the workbook")
	}

	if r := runCLI(t, db, "", "new", "Payments API", "--owner", "Team A").ok(t); r.stdout != "Created model 1: Payments API\n" {
		t.Errorf("new printed %q", r.stdout)
	}
	runCLI(t, db, "", "new", "Mobile").ok(t)
	st, err := os.Stat(db)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("workbook mode: %v %v", st, err)
	}

	want := "ID  TITLE         OWNER   UPDATED           DONE\n" +
		"1   Payments API  Team A  2025-06-01 12:00  5%\n" +
		"2   Mobile        -       2025-06-01 12:00  2%\n"
	if r := runCLI(t, db, "", "list").ok(t); r.stdout != want {
		t.Errorf("list =\n%s\nwant\n%s", r.stdout, want)
	}
	var sums []model.Summary
	if err := json.Unmarshal([]byte(runCLI(t, db, "", "list", "--json").ok(t).stdout), &sums); err != nil {
		t.Fatal(err)
	}
	if len(sums) != 2 || sums[0].ID != "1" || sums[0].Title != "Payments API" || sums[0].Owner != "Team A" || !sums[0].Updated.Equal(fixedNow) || sums[0].Completion != 5 {
		t.Errorf("list --json = %+v", sums)
	}

	// By id or by title in any case, Markdown by default.
	md := runCLI(t, db, "", "export", "1").ok(t).stdout
	if !strings.HasPrefix(md, "# Payments API\n") {
		t.Errorf("Markdown export starts %q", md[:min(40, len(md))])
	}
	if byTitle := runCLI(t, db, "", "export", "payments api").ok(t).stdout; byTitle != md {
		t.Error("export by title differs from export by id")
	}
	js := runCLI(t, db, "", "export", "MOBILE", "--format", "json").ok(t).stdout
	var doc map[string]any
	if err := json.Unmarshal([]byte(js), &doc); err != nil || doc["schema"] != "threatdeck/1" {
		t.Errorf("JSON export: %v, schema %v", err, doc["schema"])
	}

	// -o writes the same bytes to a 0600 file.
	out := filepath.Join(t.TempDir(), "report.md")
	if r := runCLI(t, db, "", "export", "1", "-o", out).ok(t); r.stdout != "Exported model 1 to "+out+"\n" {
		t.Errorf("export -o printed %q", r.stdout)
	}
	if got, _ := os.ReadFile(out); string(got) != md {
		t.Error("the -o file differs from the stdout export")
	}
	if st, _ := os.Stat(out); st.Mode().Perm() != 0o600 {
		t.Errorf("export file mode %v", st.Mode().Perm())
	}
}

func TestEnvDB(t *testing.T) {
	db := tempDB(t)
	t.Setenv(store.EnvDB, db)
	runCLI(t, "", "", "new", "From env").ok(t)
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("THREATDECK_DB not honoured: %v", err)
	}
	// --db wins over the environment.
	other := tempDB(t)
	runCLI(t, other, "", "new", "Elsewhere").ok(t)
	if r := runCLI(t, "", "", "list").ok(t); strings.Contains(r.stdout, "Elsewhere") || !strings.Contains(r.stdout, "From env") {
		t.Errorf("list via THREATDECK_DB:\n%s", r.stdout)
	}
}

func TestExampleAndJSONRoundTrip(t *testing.T) {
	db := tempDB(t)
	if r := runCLI(t, db, "", "example").ok(t); r.stdout != "Added the example as model 1: Threat Model\n" {
		t.Errorf("example printed %q", r.stdout)
	}
	md := runCLI(t, db, "", "export", "threat model").ok(t).stdout
	for _, w := range []string{"Credential", "STRIDE", "OWASP", "- [x]"} {
		if !strings.Contains(md, w) {
			t.Errorf("example report lacks %q", w)
		}
	}
	// Export JSON, import into another workbook, export again: same bytes.
	js := runCLI(t, db, "", "export", "1", "--format", "json").ok(t).stdout
	file := filepath.Join(t.TempDir(), "model.json")
	os.WriteFile(file, []byte(js), 0o600)
	db2 := tempDB(t)
	runCLI(t, db2, "", "new", "Already here").ok(t)
	if r := runCLI(t, db2, "", "import", file).ok(t); r.stdout != "Imported "+file+" as model 2: Threat Model\n" {
		t.Errorf("import printed %q", r.stdout)
	}
	if again := runCLI(t, db2, "", "export", "2", "--format", "json").ok(t).stdout; again != js {
		t.Error("export after import differs from the original export")
	}
	// The same from stdin.
	if r := runCLI(t, db2, js, "import", "-").ok(t); r.stdout != "Imported - as model 3: Threat Model\n" {
		t.Errorf("import - printed %q", r.stdout)
	}
}

func TestImportErrors(t *testing.T) {
	db := tempDB(t)
	garbage := filepath.Join(t.TempDir(), "notes.txt")
	os.WriteFile(garbage, []byte("just some notes\n"), 0o600)
	runCLI(t, db, "", "import", filepath.Join(t.TempDir(), "missing.json")).failed(t, exitFail, "missing.json", "no such file")
	runCLI(t, db, "", "import", garbage).failed(t, exitFail, "notes.txt")
	runCLI(t, db, "{", "import", "-").failed(t, exitFail)
	// Nothing was stored: the workbook was not even created.
	runCLI(t, db, "", "list", "--json").failed(t, exitFail, "there is no workbook at")
}

func TestMissingAndAmbiguousModel(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "Twin").ok(t)
	runCLI(t, db, "", "new", "twin").ok(t)
	runCLI(t, db, "", "export", "nope").failed(t, exitFail, `no model with id or title "nope"`)
	runCLI(t, db, "", "export", "TWIN").failed(t, exitFail, "ids 1, 2")
	runCLI(t, tempDB(t), "", "export", "1").failed(t, exitFail, "no workbook at")
}

func TestLockedWorkbook(t *testing.T) {
	db := tempDB(t)
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	// The CLI gives up after the store's lock wait (store.DefaultTimeout,
	// whose length the store's own tests check); here only a hang fails, so
	// a loaded machine cannot make the test flaky.
	done := make(chan result, 1)
	go func() { done <- runCLI(t, db, "", "list") }()
	select {
	case r := <-done:
		r.failed(t, exitFail, db, "in use by another threatdeck")
	case <-time.After(30 * time.Second):
		t.Fatal("list hung waiting for the lock")
	}
}

func TestNotAWorkbook(t *testing.T) {
	file := filepath.Join(t.TempDir(), "notes.txt")
	content := []byte("my notes, not a database\n")
	os.WriteFile(file, content, 0o600)
	runCLI(t, file, "", "new", "X").failed(t, exitFail, file, "not a threatdeck workbook")
	if got, _ := os.ReadFile(file); !bytes.Equal(got, content) {
		t.Fatal("the file was changed")
	}
}

func TestUnwritableOutput(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "M").ok(t)
	dir := t.TempDir()
	notDir := filepath.Join(dir, "file")
	os.WriteFile(notDir, nil, 0o600)
	for name, out := range map[string]string{
		"missing directory": filepath.Join(dir, "no", "such", "report.md"),
		"parent is a file":  filepath.Join(notDir, "report.md"),
		"is a directory":    dir,
	} {
		t.Run(name, func(t *testing.T) {
			runCLI(t, db, "", "export", "1", "-o", out).failed(t, exitFail, out)
		})
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("failed exports left files behind: %v", entries)
	}
}

func TestBackupCommand(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "example").ok(t)
	dest := filepath.Join(t.TempDir(), "copy.db")
	if r := runCLI(t, db, "", "backup", dest).ok(t); !strings.HasPrefix(r.stdout, "Backed up ") {
		t.Errorf("backup printed %q", r.stdout)
	}
	if st, err := os.Stat(dest); err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("backup file: %v %v", st, err)
	}
	if a, b := runCLI(t, db, "", "list").ok(t).stdout, runCLI(t, dest, "", "list").ok(t).stdout; a != b {
		t.Errorf("backup lists\n%s\nwant\n%s", b, a)
	}
	runCLI(t, db, "", "backup", filepath.Join(t.TempDir(), "no", "dir", "x.db")).failed(t, exitFail, "x.db")
}

// TestListCleansText stores a title with an escape sequence (as a crafted
// workbook could) and checks list never sends it to the terminal.
func TestListCleansText(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "new", "M").ok(t)
	s, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	m, _ := s.Load("1")
	o := m.Overview
	o.Title, o.Owner = "Evil\x1b]0;pwned\x07\x1b[31m\tred\nline", "a\tb"
	if err := s.Commit("1", model.Edit{Records: []model.Record{{Kind: model.RecOverview, Value: o}}}); err != nil {
		t.Fatal(err)
	}
	s.Close()
	r := runCLI(t, db, "", "list").ok(t)
	if strings.ContainsAny(r.stdout, "\x1b\x07") {
		t.Errorf("list wrote control characters: %q", r.stdout)
	}
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 2 {
		t.Errorf("a title broke the table: %q", r.stdout)
	}
}

func TestRootOpensTUI(t *testing.T) {
	db := tempDB(t)
	var got tui.Options
	oldTUI := runTUI
	t.Cleanup(func() { runTUI = oldTUI })
	for _, accessible := range []bool{false, true} {
		runTUI = func(o tui.Options) error { got = o; return nil }
		args := []string{"--db", db}
		if accessible {
			args = append(args, "--accessible")
		}
		var out, errOut bytes.Buffer
		if code := run(args, strings.NewReader(""), &out, &errOut); code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut.String())
		}
		if got.Workbook == nil || got.Workbook.Path() != db {
			t.Fatalf("TUI got workbook %v", got.Workbook)
		}
		if got.Accessible != accessible {
			t.Errorf("Accessible = %v, want %v", got.Accessible, accessible)
		}
		// No team library: Library stays empty and the TUI reads the
		// built-in one on its first suggestion.
		if got.Render == nil || got.WriteFile == nil || got.Import == nil || got.Example == nil || len(got.Library) != 0 {
			t.Errorf("TUI options incomplete: %+v", got)
		}
	}
	// The workbook is closed when the TUI returns: it opens again at once.
	s, err := store.Open(db, store.Options{Timeout: 50 * time.Millisecond})
	if err != nil {
		t.Fatalf("workbook still held after the TUI returned: %v", err)
	}
	s.Close()

	// A TUI error is a failure, reported like any other.
	runTUI = func(tui.Options) error { return errTest("could not open /dev/tty") }
	var errOut bytes.Buffer
	if code := run([]string{"--db", db}, strings.NewReader(""), &bytes.Buffer{}, &errOut); code != exitFail || errOut.String() != "threatdeck: could not open /dev/tty\n" {
		t.Errorf("TUI error: exit %d, %q", code, errOut.String())
	}
}

type errTest string

func (e errTest) Error() string { return string(e) }

func TestVersion(t *testing.T) {
	old := version
	t.Cleanup(func() { version = old })
	version = "v1.2.3"
	if r := runCLI(t, "", "", "version").ok(t); r.stdout != "threatdeck v1.2.3\n" {
		t.Errorf("version printed %q", r.stdout)
	}
	if r := runCLI(t, "", "", "--version").ok(t); r.stdout != "threatdeck v1.2.3\n" {
		t.Errorf("--version printed %q", r.stdout)
	}
	version = ""
	if v := versionString(); v == "" || strings.ContainsAny(v, "\n") {
		t.Errorf("build-info version %q", v)
	}
}

// The TUI's import reads files the same way the import command does.
func TestImportFileForTUI(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "example").ok(t)
	file := filepath.Join(t.TempDir(), "m.json")
	os.WriteFile(file, []byte(runCLI(t, db, "", "export", "1", "--format", "json").ok(t).stdout), 0o600)
	m, err := importFile(file)
	if err != nil {
		t.Fatal(err)
	}
	s, _ := store.Open(db, store.Options{ReadOnly: true})
	defer s.Close()
	orig, _ := s.Load("1")
	m.ID = orig.ID
	if !reflect.DeepEqual(m.Records(), orig.Records()) {
		t.Error("importFile does not reproduce the exported model")
	}
}
