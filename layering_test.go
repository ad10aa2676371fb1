package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

// listedPackage is what the layering rules read of `go list -json`.
type listedPackage struct {
	ImportPath                         string
	Imports, TestImports, XTestImports []string
}

const module = "github.com/threatdeck/threatdeck"

// layerRules are the handbook's layering, as import rules: which packages
// may import a dependency directly, and what model must not import.
var layerRules = []struct {
	// dep matches an import path (a prefix ending in "/" or an exact path).
	dep string
	// allowed are the module's packages that may import it (relative to
	// the module; a trailing "/" allows a subtree).
	allowed []string
	why     string
}{
	{"go.etcd.io/bbolt", []string{"store"}, "store alone imports bbolt: the host owns the workbook"},
	{"go.etcd.io/bbolt/", []string{"store"}, "store alone imports bbolt"},
	// live/sshd names Bubble Tea's types because wish's middleware does.
	{"charm.land/", []string{"tui", "live/sshd"}, "tui alone imports Bubble Tea, Lip Gloss and Bubbles"},
}

// modelForbidden are imports that would mean I/O in model, the pure
// domain: files, processes, the network, the terminal, the store.
var modelForbidden = []string{
	"os", "os/", "io/fs", "io/ioutil", "net", "net/http", "net/rpc", "net/smtp", "syscall", "path/filepath",
	"golang.org/x/sys/", "go.etcd.io/", "charm.land/", "github.com/charmbracelet/x/term",
	module + "/store", module + "/tui", module + "/export", module + "/live",
}

func matchesImport(pattern, path string) bool {
	if strings.HasSuffix(pattern, "/") {
		return strings.HasPrefix(path, pattern)
	}
	return path == pattern
}

// layerViolations lists every import that breaks the rules, one sentence
// each. Test imports count for the dependency rules (a tui test may drive
// Bubble Tea; a store test may open bbolt; nothing else may); model's
// purity is about its code, so only its non-test imports count there.
func layerViolations(pkgs []listedPackage) []string {
	var out []string
	for _, p := range pkgs {
		rel := strings.TrimPrefix(strings.TrimPrefix(p.ImportPath, module), "/")
		if !strings.HasPrefix(p.ImportPath, module) {
			continue
		}
		all := slices.Concat(p.Imports, p.TestImports, p.XTestImports)
		for _, r := range layerRules {
			ok := slices.ContainsFunc(r.allowed, func(a string) bool {
				return rel == a || strings.HasPrefix(rel, a+"/")
			})
			if ok {
				continue
			}
			for _, imp := range all {
				if matchesImport(r.dep, imp) {
					out = append(out, p.ImportPath+" imports "+imp+": "+r.why)
				}
			}
		}
		if rel == "model" || strings.HasPrefix(rel, "model/") {
			for _, imp := range p.Imports {
				for _, f := range modelForbidden {
					if matchesImport(f, imp) {
						out = append(out, p.ImportPath+" imports "+imp+": model is the pure domain and does no I/O")
					}
				}
			}
		}
	}
	return out
}

// The module's real imports, as `go list` reports them, keep the layers.
func TestLayering(t *testing.T) {
	goBin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	cmd := exec.Command(goBin, "list", "-json", "./...")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	var pkgs []listedPackage
	for dec := json.NewDecoder(bytes.NewReader(out)); ; {
		var p listedPackage
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	names := map[string]bool{}
	for _, p := range pkgs {
		names[p.ImportPath] = true
	}
	for _, want := range []string{module, module + "/model", module + "/store", module + "/tui", module + "/export"} {
		if !names[want] {
			t.Fatalf("go list did not list %s: %v", want, names)
		}
	}
	for _, v := range layerViolations(pkgs) {
		t.Error(v)
	}
}

// The rules catch what they are for: each break below is reported.
func TestLayerViolationsCatchBreaks(t *testing.T) {
	tests := []struct {
		name string
		pkg  listedPackage
		want string
	}{
		{"export opens bbolt", listedPackage{ImportPath: module + "/export", Imports: []string{"go.etcd.io/bbolt"}}, "store alone imports bbolt"},
		{"a live test opens bbolt", listedPackage{ImportPath: module + "/live", TestImports: []string{"go.etcd.io/bbolt/errors"}}, "store alone"},
		{"export draws", listedPackage{ImportPath: module + "/export", Imports: []string{"charm.land/lipgloss/v2"}}, "tui alone"},
		{"main draws", listedPackage{ImportPath: module, Imports: []string{"charm.land/bubbletea/v2"}}, "tui alone"},
		{"model reads files", listedPackage{ImportPath: module + "/model", Imports: []string{"os"}}, "does no I/O"},
		{"model walks dirs", listedPackage{ImportPath: module + "/model", Imports: []string{"io/fs"}}, "does no I/O"},
		{"model dials", listedPackage{ImportPath: module + "/model", Imports: []string{"net"}}, "does no I/O"},
		{"model opens the store", listedPackage{ImportPath: module + "/model", Imports: []string{module + "/store"}}, "does no I/O"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := layerViolations([]listedPackage{tt.pkg})
			if len(v) != 1 || !strings.Contains(v[0], tt.want) {
				t.Errorf("violations %q, want one saying %q", v, tt.want)
			}
		})
	}
	fine := []listedPackage{
		{ImportPath: module + "/store", Imports: []string{"go.etcd.io/bbolt", "os"}},
		{ImportPath: module + "/tui", Imports: []string{"charm.land/bubbletea/v2", "os"}, TestImports: []string{"charm.land/bubbles/v2/key"}},
		{ImportPath: module + "/live/sshd", Imports: []string{"charm.land/bubbletea/v2"}},
		{ImportPath: module + "/model", Imports: []string{"net/url", "io", "embed", "time"}, TestImports: []string{"os"}},
		{ImportPath: "example.com/other", Imports: []string{"go.etcd.io/bbolt"}},
	}
	if v := layerViolations(fine); len(v) != 0 {
		t.Errorf("allowed imports reported: %q", v)
	}
}
