package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// diff through the command line: a workbook model against its committed
// export, exit codes, formats.
func TestDiffCommand(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "example").ok(t)
	dir := t.TempDir()
	committed := filepath.Join(dir, "threat-model.json")
	runCLI(t, db, "", "export", "1", "--format", "json", "-o", committed).ok(t)

	if r := runCLI(t, db, "", "diff", "1", committed).ok(t); !strings.HasPrefix(r.stdout, "No changes") {
		t.Errorf("model against its own export: %q", r.stdout)
	}

	// Edit the committed file as a reviewer would: a renamed threat.
	var doc map[string]any
	if err := json.Unmarshal(readTestFile(t, committed), &doc); err != nil {
		t.Fatal(err)
	}
	doc["model"].(map[string]any)["threats"].([]any)[0].(map[string]any)["title"] = "Renamed"
	edited := filepath.Join(dir, "edited.json")
	data, _ := json.Marshal(doc)
	if err := os.WriteFile(edited, data, 0o600); err != nil {
		t.Fatal(err)
	}
	r := runCLI(t, db, "", "diff", committed, edited, "--format", "markdown")
	if r.code != exitFail || !strings.Contains(r.stdout, "| threat | T-001 | Renamed | title | Credential stuffing attacks → Renamed |") {
		t.Errorf("markdown: exit %d\n%s", r.code, r.stdout)
	}
	r = runCLI(t, "", "", "diff", committed, edited, "--format", "json") // files only: no workbook needed
	var out struct {
		Equal   bool `json:"equal"`
		Changed []struct {
			ID string `json:"id"`
		} `json:"changed"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil || r.code != exitFail || out.Equal || len(out.Changed) != 1 {
		t.Errorf("json: exit %d %v %+v", r.code, err, out)
	}

	runCLI(t, db, "", "diff", "1").failed(t, exitUsage, "diff takes two arguments")
	runCLI(t, db, "", "diff", "1", committed, "--format", "html").failed(t, exitUsage, `unknown diff format "html"`)
	runCLI(t, db, "", "diff", "1", "no such model").failed(t, exitUsage, "no such model is neither a model file nor a model in the workbook")
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x"},"threats":[{"title":"t","category":"spoofing","treatment":"accept"}]}}`), 0o600)
	runCLI(t, db, "", "diff", "1", bad).failed(t, exitUsage, "model.threats[0].rationale: is required when the treatment is accept")
}

func TestLogCommand(t *testing.T) {
	db := tempDB(t)
	runCLI(t, db, "", "example").ok(t)
	r := runCLI(t, db, "", "log", "threat model").ok(t)
	if lines := strings.Split(strings.TrimSpace(r.stdout), "\n"); len(lines) != 2 || !strings.HasPrefix(lines[0], "WHEN") || !strings.Contains(lines[1], "Created model Threat Model") {
		t.Errorf("log:\n%s", r.stdout)
	}
	r = runCLI(t, db, "", "log", "1", "--json").ok(t)
	var entries []struct {
		Seq   int    `json:"seq"`
		By    string `json:"by"`
		Label string `json:"label"`
	}
	if err := json.Unmarshal([]byte(r.stdout), &entries); err != nil || len(entries) != 1 || entries[0].Seq != 1 || entries[0].By != userName() {
		t.Errorf("log --json: %v %+v", err, entries)
	}
	runCLI(t, db, "", "log", "2").failed(t, exitFail, `"2"`)
	runCLI(t, db, "", "log").failed(t, exitUsage, "log takes one argument")
}

func readTestFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}
