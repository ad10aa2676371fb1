package model

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// The precision suite: reference models under testdata/precision, each a
// threatdeck export (importable with `threatdeck import`) with a labels
// file in which a reviewer marked every default suggestion (the top
// DefaultShown per category) as applicable or not, with a one-line reason
// drawn from the model's own description:
//
//	TDL-S-001 yes Sign-in takes passwords from the internet
//	TDL-T-004 no  the API returns JSON only; nothing renders its output
//
// A suggestion without a label fails the test, so a library or ranking
// change that shows something new must be judged before it lands.

// maxDismissed is the share of default suggestions a reviewer may dismiss
// on any reference model.
const maxDismissed = 0.10

// label is one reviewer's verdict on a suggestion.
type label struct {
	applies bool
	reason  string
}

func readLabels(t *testing.T, path string) map[string]label {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]label{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 3 || (f[1] != "yes" && f[1] != "no") {
			t.Fatalf("%s:%d: want \"<id> yes|no <reason>\", got %q", path, n, line)
		}
		if _, dup := out[f[0]]; dup {
			t.Fatalf("%s:%d: %s labelled twice", path, n, f[0])
		}
		out[f[0]] = label{f[1] == "yes", strings.Join(f[2:], " ")}
	}
	return out
}

func readReferenceModel(t *testing.T, path string) *Model {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Schema string `json:"schema"`
		Model  *Model `json:"model"`
	}
	if err := json.Unmarshal(data, &doc); err != nil || doc.Model == nil {
		t.Fatalf("%s: %v", path, err)
	}
	m := doc.Model
	for _, e := range m.Surface {
		// Through the validator, as the Surface form saves them.
		if err := m.validateElement(&e); err != nil {
			t.Fatalf("%s: element %s: %v", path, e.ID, err)
		}
	}
	return m
}

// userFacing are the title words of threats only systems with users meet.
var userFacing = []string{"login", "session", "cross-site scripting", "cross-site request forgery", "csrf", "changing object ids", "password spraying", "password recovery", "phishing", "credential stuffing", "mfa", "clickjacking"}

func TestSuggestionPrecisionOnReferenceModels(t *testing.T) {
	models, err := filepath.Glob("../testdata/precision/*.json")
	if err != nil || len(models) < 6 {
		t.Fatalf("%d reference models, want at least 6 (%v)", len(models), err)
	}
	noUsers := 0
	var table strings.Builder
	fmt.Fprintf(&table, "\n| Model | Shown | Dismissed | Share |\n|---|---|---|---|\n")
	for _, path := range models {
		name := strings.TrimSuffix(filepath.Base(path), ".json")
		t.Run(name, func(t *testing.T) {
			m := readReferenceModel(t, path)
			labels := readLabels(t, strings.TrimSuffix(path, ".json")+".labels")
			top := Top(Suggest(m), DefaultShown)
			per := map[Stride]int{}
			dismissed := 0
			var missing []string
			for _, s := range top {
				per[s.Threat.Category]++
				l, ok := labels[s.Threat.ID]
				switch {
				case !ok:
					missing = append(missing, fmt.Sprintf("%s %q — why: %s", s.Threat.ID, s.Threat.Title, s.Why))
				case !l.applies:
					dismissed++
				}
			}
			if len(missing) > 0 {
				t.Errorf("%d suggestions have no label; judge each from the model's description:\n%s", len(missing), strings.Join(missing, "\n"))
			}
			for c, n := range per {
				if n > DefaultShown {
					t.Errorf("%s: %d suggestions shown, the default is at most %d", c, n, DefaultShown)
				}
			}
			if len(top) == 0 {
				t.Fatal("no suggestions")
			}
			share := float64(dismissed) / float64(len(top))
			if share >= maxDismissed {
				var no []string
				for _, s := range top {
					if l, ok := labels[s.Threat.ID]; ok && !l.applies {
						no = append(no, s.Threat.ID+" "+l.reason)
					}
				}
				t.Errorf("a reviewer dismisses %d of %d (%.0f%%), want under %.0f%%:\n%s", dismissed, len(top), 100*share, 100*maxDismissed, strings.Join(no, "\n"))
			}
			fmt.Fprintf(&table, "| %s | %d | %d | %.1f%% |\n", m.Overview.Title, len(top), dismissed, 100*share)

			if !hasPeopleOrListener(m) {
				noUsers++
				for _, s := range Suggest(m) {
					title := strings.ToLower(s.Threat.Title)
					if slices.ContainsFunc(userFacing, func(w string) bool { return strings.Contains(title, w) }) {
						t.Errorf("%s %q suggested to a system with no users and no listener", s.Threat.ID, s.Threat.Title)
					}
				}
			}
		})
	}
	if noUsers == 0 {
		t.Error("no reference model without users or a listener: the user-facing check never ran")
	}
	t.Log(table.String())
}

// hasPeopleOrListener reports whether anything in m is called by people or
// listens for callers.
func hasPeopleOrListener(m *Model) bool {
	for _, e := range m.Surface {
		p := ProfileOf(e)
		if p.Callers != CallersNone && p.Callers != CallersServices || e.Kind == KindAPI || e.Kind == KindAuth || e.Kind == KindClient || e.Kind == KindAdmin || e.Kind == KindWebhook {
			return true
		}
	}
	return false
}

// TestBatchJobGetsOnlyFittingSuggestions: the case, a model with
// one cron-job process and nothing else, gets no user-facing, request or
// webhook threats at all.
func TestBatchJobGetsOnlyFittingSuggestions(t *testing.T) {
	m := newTestModel(t)
	must(t)(m.PutElement(SurfaceElement{Name: "Nightly cleanup", Kind: KindProcess, Description: "Cron job that deletes expired rows"}, t0))
	got := Suggest(m)
	if len(got) == 0 || len(got) > 30 {
		t.Fatalf("%d suggestions for one cron job", len(got))
	}
	for _, s := range got {
		title := strings.ToLower(s.Threat.Title)
		for _, w := range append(slices.Clone(userFacing), "sql injection", "webhook", "request", "flood", "administrator", "upload", "brute force") {
			if strings.Contains(title, w) {
				t.Errorf("%s %q suggested for a cron job (%s)", s.Threat.ID, s.Threat.Title, w)
			}
		}
	}
}
