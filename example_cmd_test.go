package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// `example` adds the example once: a second run says it exists and adds
// nothing, --force adds another copy. The example is complete and keeps
// the reference's date whatever the clock says.
func TestExampleCommandOnce(t *testing.T) {
	db := tempDB(t)
	if r := runCLI(t, db, "", "example").ok(t); !strings.Contains(r.stdout, "Added the example as model 1") {
		t.Errorf("first example: %q", r.stdout)
	}
	runCLI(t, db, "", "example").failed(t, exitFail, "already exists as model 1", "--force")
	if r := runCLI(t, db, "", "example", "--force").ok(t); !strings.Contains(r.stdout, "model 2") {
		t.Errorf("forced example: %q", r.stdout)
	}
	var sums []model.Summary
	if err := json.Unmarshal([]byte(runCLI(t, db, "", "list", "--json").ok(t).stdout), &sums); err != nil {
		t.Fatal(err)
	}
	if len(sums) != 2 {
		t.Fatalf("%d models, want 2", len(sums))
	}
	for _, s := range sums {
		if s.Completion != 100 || !s.Updated.Equal(model.ExampleDate) {
			t.Errorf("example %s: %d%% complete, updated %v; want 100%% and %v", s.ID, s.Completion, s.Updated, model.ExampleDate)
		}
	}
	md := runCLI(t, db, "", "export", "1").ok(t).stdout
	for _, want := range []string{"**Last Updated:** 2024-01-15", "## Still Open\n\nNothing", "```mermaid\nflowchart LR", "## Risk Map"} {
		if !strings.Contains(md, want) {
			t.Errorf("example report lacks %q", want)
		}
	}
}
