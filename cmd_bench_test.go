package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// BenchmarkCommands runs the real binary's data commands, whole process
// (fork/exec included), on the start-up benchmark's workbook: one model of
// 10,000 threats, 500 assets and 200 surface elements (check-model checks
// that model in the workbook, check-json its export). The JSON file that
// check and import read is that model exported by the binary measured.
// Besides ns/op (wall), it reports cpu-ns (user + system CPU, the steadier
// figure on a shared machine), median-cpu-ns and RSS-MiB (the largest peak
// resident set of all runs).
//
// THREATDECK_BENCH_BIN measures another build (for example main's, built
// from `git archive`) on the same workload, so old and new can be run
// interleaved; THREATDECK_BENCH_JSON gives the JSON file check and import
// read instead of the fresh export (for example one in the older format).
func BenchmarkCommands(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("measures children with Linux's rusage; Linux only")
	}
	dir := b.TempDir()
	bin := benchBinary(b, dir)
	db := filepath.Join(dir, "bench.db")
	startupWorkbook(b, db)
	export := os.Getenv("THREATDECK_BENCH_JSON")
	if export == "" {
		export = filepath.Join(dir, "threat-model.json")
		runBench(b, bin, nil, "--db", db, "export", "1", "--format", "json", "-o", export)
	}
	importDB := filepath.Join(dir, "import.db")
	cases := []struct {
		name  string
		args  []string
		reset func()
	}{
		{"list", []string{"--db", db, "list"}, nil},
		{"export-json", []string{"--db", db, "export", "1", "--format", "json", "-o", filepath.Join(dir, "out.json")}, nil},
		{"export-markdown", []string{"--db", db, "export", "1", "-o", filepath.Join(dir, "out.md")}, nil},
		{"check-json", []string{"--db", db, "check", export}, nil},
		// The model validated in the workbook: threatcl validate's job.
		{"check-model", []string{"--db", db, "check", "1"}, nil},
		// Each import goes into a new workbook, so the file does not grow.
		{"import-json", []string{"--db", importDB, "import", export}, func() { os.Remove(importDB) }},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			var cpu []time.Duration
			var wall time.Duration
			rss := 0.0
			for b.Loop() {
				if c.reset != nil {
					b.StopTimer()
					c.reset()
					b.StartTimer()
				}
				st := runBench(b, bin, []int{0, 1}, c.args...)
				wall += st.wall
				cpu = append(cpu, st.cpu)
				rss = max(rss, st.rssMiB)
			}
			var total time.Duration
			for _, d := range cpu {
				total += d
			}
			slices.Sort(cpu)
			b.ReportMetric(float64(total.Nanoseconds())/float64(len(cpu)), "cpu-ns")
			b.ReportMetric(float64(cpu[len(cpu)/2].Nanoseconds()), "median-cpu-ns")
			b.ReportMetric(rss, "RSS-MiB")
		})
	}
}

// benchBinary is THREATDECK_BENCH_BIN, or this tree built into dir.
func benchBinary(b *testing.B, dir string) string {
	b.Helper()
	if bin := os.Getenv("THREATDECK_BENCH_BIN"); bin != "" {
		return bin
	}
	bin := filepath.Join(dir, "threatdeck")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		b.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// benchRun is what one run of the binary cost.
type benchRun struct {
	wall   time.Duration
	cpu    time.Duration
	rssMiB float64
}

// gnuTime reports a child's peak resident set. The child's own rusage
// cannot: a child forked from this process carries this process's peak
// (the benchmark's model is in memory) into its own across exec, while
// time's child is forked from the small time process.
const gnuTime = "/usr/bin/time"

// runBench runs bin with args, failing the benchmark unless its exit code
// is one of okCodes (nil: only 0; check exits 1 for a model below the bar).
// rssMiB is 0 when gnuTime is not installed.
func runBench(b *testing.B, bin string, okCodes []int, args ...string) benchRun {
	b.Helper()
	cmd := exec.Command(bin, args...)
	var rssFile string
	if _, err := os.Stat(gnuTime); err == nil {
		rssFile = filepath.Join(b.TempDir(), "rss")
		cmd = exec.Command(gnuTime, append([]string{"-f", "%M", "-o", rssFile, bin}, args...)...)
	}
	cmd.Env = append(os.Environ(), "NO_COLOR=1")
	start := time.Now()
	out, err := cmd.CombinedOutput()
	wall := time.Since(start)
	code := cmd.ProcessState.ExitCode()
	if okCodes == nil {
		okCodes = []int{0}
	}
	if err != nil && !slices.Contains(okCodes, code) {
		b.Fatalf("%s %v: %v\n%s", bin, args, err, out)
	}
	// The CPU times include the waited-for child's.
	run := benchRun{wall: wall, cpu: cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()}
	if rssFile != "" {
		data, err := os.ReadFile(rssFile)
		if err != nil {
			b.Fatal(err)
		}
		f := strings.Fields(string(data)) // "Command exited with non-zero status 1" may come first
		kb, err := strconv.Atoi(f[len(f)-1])
		if err != nil {
			b.Fatalf("%s output %q: %v", gnuTime, data, err)
		}
		run.rssMiB = float64(kb) / 1024
	}
	return run
}
