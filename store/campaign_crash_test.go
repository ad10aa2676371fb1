package store

import (
	"bufio"
	"errors"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// The crash campaign kills a real threatdeck store — a child process
// editing, importing or migrating a workbook — with SIGKILL at a random
// moment, then reopens the file and checks that every edit the child
// acknowledged (Commit returned) is there, that nothing is half-applied,
// and that the file is not damaged. The normal test run does a few trials;
// the full campaign is
//
//	go test -run TestCrashCampaign -trials 1000 ./store
var trials = flag.Int("trials", 0, "crash campaign: number of kill trials (0: a short sample)")

// importSize is the number of threats in each model the child imports.
const importSize = 300

func TestCrashCampaign(t *testing.T) {
	n := *trials
	if n == 0 {
		n = 6
	}
	r := rand.New(rand.NewPCG(7, uint64(n)))
	var acked, imports, migrations, killedMigrating int
	start := time.Now()
	for i := range n {
		mode := []string{"edits", "import", "migrate"}[i%3]
		res := crashTrial(t, r, mode)
		acked += res.edits
		imports += res.imports
		if mode == "migrate" {
			migrations++
			if !res.migrated {
				killedMigrating++
			}
		}
		if t.Failed() {
			t.Fatalf("trial %d (%s) failed", i, mode)
		}
	}
	t.Logf("%d kill -9 trials in %v: %d acknowledged edits and %d acknowledged imports, all present and whole; %d migrations, %d killed before the migration finished, all readable afterwards",
		n, time.Since(start).Round(time.Second), acked, imports, migrations, killedMigrating)
}

// trialResult is what the child acknowledged before it died.
type trialResult struct {
	edits, imports int
	migrated       bool
}

// crashTrial runs one child, kills it, and checks the workbook.
func crashTrial(t *testing.T, r *rand.Rand, mode string) trialResult {
	t.Helper()
	dir := t.TempDir()
	path := filepath.Join(dir, "w.db")
	var before contents
	if mode == "migrate" {
		path = copySchema1(t)
		before = readContents(t, path)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperCrashChild$")
	cmd.Env = append(os.Environ(), "STORE_CRASH_DB="+path, "STORE_CRASH_MODE="+mode)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	lines := make(chan string, 1<<16)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			lines <- sc.Text()
		}
		close(lines)
	}()
	// Kill at a random moment: for migrations from the very start (the
	// migration runs inside Open), otherwise after the first edit.
	var res trialResult
	var delay time.Duration
	if mode == "migrate" {
		delay = time.Duration(r.IntN(40)) * time.Millisecond
	} else {
		delay = time.Duration(20+r.IntN(300)) * time.Millisecond
	}
	timer := time.After(delay)
	lastEdit := 0
	var importsAcked []string
wait:
	for {
		select {
		case l, ok := <-lines:
			if !ok {
				break wait
			}
			res.note(l, &lastEdit, &importsAcked)
		case <-timer:
			break wait
		}
	}
	cmd.Process.Signal(syscall.SIGKILL)
	for l := range lines {
		res.note(l, &lastEdit, &importsAcked)
	}
	cmd.Wait()

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("%s: the workbook does not open after the kill: %v", mode, err)
	}
	defer s.Close()
	if s.Damaged() != nil {
		t.Fatalf("%s: damaged after a kill: %v", mode, s.Damaged())
	}
	if hasStaging(t, s) {
		t.Fatalf("%s: the writable open after the kill left a staged import's bucket", mode)
	}
	sums, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	for id, recs := range before {
		m, err := s.Load(id)
		if err != nil || !slices.Equal(recordsOf(m), recs) {
			t.Fatalf("migrate: model %s changed across the kill: %v", id, err)
		}
	}
	for _, sum := range sums {
		m, err := s.Load(sum.ID)
		if err != nil {
			t.Fatalf("%s: model %s does not load: %v", mode, sum.ID, err)
		}
		switch {
		case sum.Title == "Edits":
			checkEdits(t, m, lastEdit)
		case strings.HasPrefix(sum.Title, "Import "):
			if len(m.Threats) != importSize {
				t.Fatalf("import %q is half there: %d of %d threats", sum.Title, len(m.Threats), importSize)
			}
			importsAcked = slices.DeleteFunc(importsAcked, func(s string) bool { return s == sum.Title })
		}
	}
	if len(importsAcked) > 0 {
		t.Fatalf("acknowledged imports lost: %v", importsAcked)
	}
	return res
}

// note reads one line of the child's.
func (res *trialResult) note(l string, lastEdit *int, imports *[]string) {
	switch {
	case strings.HasPrefix(l, "edit "):
		*lastEdit, _ = strconv.Atoi(strings.TrimPrefix(l, "edit "))
		res.edits++
	case strings.HasPrefix(l, "import "):
		*imports = append(*imports, "Import "+strings.TrimPrefix(l, "import "))
		res.imports++
	case l == "open":
		res.migrated = true
	}
}

// checkEdits checks the edits model: edit k adds threat "edit k", so every
// acknowledged edit is there, at most the one in flight beyond, and none
// is missing in between or half-applied (the id counter agrees).
func checkEdits(t *testing.T, m *model.Model, last int) {
	t.Helper()
	var got []int
	for _, th := range m.Threats {
		k, err := strconv.Atoi(strings.TrimPrefix(th.Title, "edit "))
		if err != nil {
			t.Fatalf("unexpected threat %q", th.Title)
		}
		got = append(got, k)
	}
	slices.Sort(got)
	for i, k := range got {
		if k != i+1 {
			t.Fatalf("edits %v: edit %d is missing", got, i+1)
		}
	}
	if len(got) < last || len(got) > last+1 {
		t.Fatalf("%d edits acknowledged, %d on disk", last, len(got))
	}
	if m.Seq[model.PrefixThreat] != len(got) {
		t.Fatalf("threat counter %d with %d threats: an edit was half-applied", m.Seq[model.PrefixThreat], len(got))
	}
}

// TestHelperCrashChild is the crash campaign's child: it edits the
// workbook until it is killed, printing a line after each acknowledged
// (committed) change: "open" once the workbook is open (and migrated),
// "edit N", "import N".
func TestHelperCrashChild(t *testing.T) {
	path, mode := os.Getenv("STORE_CRASH_DB"), os.Getenv("STORE_CRASH_MODE")
	if path == "" {
		t.Skip("helper process only")
	}
	if mode == "import" {
		// Each import is written in stages, so kills land among them.
		stageChunkBytes = 8 << 10
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	say := func(format string, args ...any) { fmt.Fprintf(os.Stdout, format+"\n", args...) }
	say("open")
	m, err := s.Find("Edits")
	if errors.Is(err, ErrNotFound) {
		m = mustNewModel("Edits")
		if _, err = s.Create(m); err != nil {
			t.Fatal(err)
		}
	} else if err != nil {
		t.Fatal(err)
	}
	for i := 1; ; i++ {
		if mode == "import" && i%5 == 0 {
			im := mustNewModel(fmt.Sprintf("Import %d", i))
			for j := range importSize {
				im.Threats = append(im.Threats, model.Threat{ID: model.FormatID(model.PrefixThreat, j+1), Title: fmt.Sprintf("T %d", j),
					Description: "Imported with its model in one transaction.", Category: model.Tampering, Likelihood: 2, Impact: 3})
			}
			im.Seq = map[string]int{model.PrefixThreat: importSize}
			if _, err := s.Create(im); err != nil {
				t.Fatal(err)
			}
			say("import %d", i)
		}
		ch, err := m.PutThreat(model.Threat{Title: fmt.Sprintf("edit %d", i), Category: model.Spoofing, Likelihood: 3, Impact: 3}, t0)
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Commit(m.ID, ch.Do); err != nil {
			t.Fatal(err)
		}
		say("edit %d", i)
	}
}
