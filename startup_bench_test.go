package main

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/creack/pty"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// Issue 3's startup budget, for a 10,000-threat model: process start to
// first full frame < 150 ms, and < 100 MB RSS; issue 15's: < 50 ms, and at
// 100,000 threats < 250 ms and < 250 MiB.
const (
	startupThreats = 10000
	startupAssets  = 500
	startupSurface = 200
	startupCols    = 120
	startupRows    = 40
	// frameDeadline bounds the wait for the first frame, so a program
	// waiting on a terminal reply the pty never gives fails the benchmark
	// instead of hanging it.
	frameDeadline = 10 * time.Second
	exitDeadline  = 5 * time.Second
)

// startupBinsEnv names binaries to start instead of building this tree's:
// a list separated by the OS path-list separator (":"). Given two or more,
// each loop iteration starts every one in turn, so builds are compared
// under the same load, and each reports its own figures.
const startupBinsEnv = "THREATDECK_STARTUP_BINS"

// frameMarkers must all be on screen (ANSI stripped) before the first frame
// counts as full: the Threats table's counter, which shows only once the
// big model is loaded and the table is drawn, and a key of the help bar,
// which is the frame's last line.
func frameMarkers(threats int) []string {
	return []string{"1/" + strconv.Itoa(threats), "cycle status"}
}

// BenchmarkStartToFirstFrame starts the real binary on a pseudo-terminal of
// 120×40 with a workbook that resumes into a 10,000- or 100,000-threat model
// on the Threats step. ns/op is process start (fork/exec included) to the
// first full frame; RSS-MiB is the resident set right after that frame,
// HWM-MiB its peak so far, anon-MiB and file-MiB its anonymous and
// file-backed parts (the worst of all runs each). quit-median-ns is the
// time to the program's exit after q typed at the first frame, which it
// holds until the whole model is loaded; peak-RSS-MiB the peak resident
// set over the process's life, that load included; frame-cpu-ms the median
// CPU time the process had used at its first frame. With several binaries
// (startupBinsEnv) the figures carry the binary's file name as a suffix.
func BenchmarkStartToFirstFrame(b *testing.B) {
	if runtime.GOOS != "linux" {
		b.Skip("reads /proc/<pid>/status; Linux only")
	}
	if f, tty, err := pty.Open(); err != nil {
		b.Skipf("no pseudo-terminal: %v", err)
	} else {
		f.Close()
		tty.Close()
	}
	bins := filepath.SplitList(os.Getenv(startupBinsEnv))
	if len(bins) == 0 {
		bin := filepath.Join(b.TempDir(), "threatdeck")
		if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
			b.Fatalf("go build: %v\n%s", err, out)
		}
		bins = []string{bin}
	}
	for _, size := range []struct {
		name    string
		threats int
	}{{"10k", startupThreats}, {"100k", 10 * startupThreats}} {
		b.Run(size.name, func(b *testing.B) {
			db := filepath.Join(b.TempDir(), "bench.db")
			sizedStartupWorkbook(b, db, size.threats)
			benchStarts(b, bins, db, frameMarkers(size.threats))
		})
	}
}

// benchStarts starts each binary once per loop iteration, in turn, and
// reports each one's figures.
func benchStarts(b *testing.B, bins []string, db string, markers []string) {
	times := make([][]time.Duration, len(bins))
	quits := make([][]time.Duration, len(bins))
	cpus := make([][]float64, len(bins))
	worst := make([]map[string]float64, len(bins))
	for i := range worst {
		worst[i] = map[string]float64{}
	}
	for b.Loop() {
		for i, bin := range bins {
			r := startOnce(b, bin, db, markers)
			times[i] = append(times[i], r.frame)
			quits[i] = append(quits[i], r.quit)
			for k, v := range r.mem {
				worst[i][k] = max(worst[i][k], v)
			}
			cpus[i] = append(cpus[i], r.mem["cpu"])
			worst[i]["peak"] = max(worst[i]["peak"], r.peak)
		}
	}
	for i, bin := range bins {
		suffix := ""
		if len(bins) > 1 {
			suffix = "-" + filepath.Base(bin)
		}
		ts := times[i]
		var total time.Duration
		for _, d := range ts {
			total += d
		}
		slices.Sort(ts)
		// ns/op is replaced by the start→frame time alone: the loop also
		// quits the program and waits for it, which is not startup.
		unit := "ns/op"
		if suffix != "" {
			unit = "mean-ns" + suffix
		}
		b.ReportMetric(float64(total.Nanoseconds())/float64(len(ts)), unit)
		b.ReportMetric(float64(ts[len(ts)/2].Nanoseconds()), "median-ns"+suffix)
		b.ReportMetric(float64(ts[len(ts)-1].Nanoseconds()), "max-ns"+suffix)
		b.ReportMetric(worst[i]["VmRSS"], "RSS-MiB"+suffix)
		b.ReportMetric(worst[i]["VmHWM"], "HWM-MiB"+suffix)
		b.ReportMetric(worst[i]["RssAnon"], "anon-MiB"+suffix)
		b.ReportMetric(worst[i]["RssFile"], "file-MiB"+suffix)
		slices.Sort(quits[i])
		b.ReportMetric(float64(quits[i][len(quits[i])/2].Nanoseconds()), "quit-median-ns"+suffix)
		b.ReportMetric(worst[i]["peak"], "peak-RSS-MiB"+suffix)
		slices.Sort(cpus[i])
		b.ReportMetric(cpus[i][len(cpus[i])/2], "frame-cpu-ms"+suffix)
	}
	if len(bins) > 1 {
		// The loop's own ns/op covers every binary's start and exit.
		b.ReportMetric(0, "ns/op")
	}
}

// started is what one start measured: the time to the first full frame
// and the memory figures then (procMemory); the time until the program
// exited after q was typed at that frame (q waits, like any key, until
// the model is whole, then quits) and the peak resident set until then,
// load behind the first frame included, in MiB.
type started struct {
	frame, quit time.Duration
	mem         map[string]float64
	peak        float64
}

// startOnce runs the binary until its first full frame, then types q and
// waits for it to exit.
func startOnce(b *testing.B, bin, db string, markers []string) started {
	b.Helper()
	cmd := exec.Command(bin, "--db", db)
	cmd.Env = append(os.Environ(), "TERM=xterm-256color", "COLORTERM=truecolor")
	start := time.Now()
	f, err := pty.StartWithSize(cmd, &pty.Winsize{Cols: startupCols, Rows: startupRows})
	if err != nil {
		b.Fatalf("start on pty: %v", err)
	}
	defer f.Close()
	// Reads run in their own goroutine so every wait is bounded by a
	// timer, whether or not the pty supports read deadlines; the
	// goroutine ends when the program exits and the pty reports EOF/EIO.
	chunks := make(chan []byte, 1024)
	go func() {
		defer close(chunks)
		for {
			buf := make([]byte, 32<<10)
			n, err := f.Read(buf)
			if n > 0 {
				chunks <- buf[:n]
			}
			if err != nil {
				return
			}
		}
	}()
	// stop types q and waits for the exit, polling the peak resident set
	// (VmHWM) meanwhile: the rusage of a child also counts the test
	// process it was forked from. It returns the last peak read.
	stop := func() (peak float64) {
		// q is held until the model is whole, then quits (no one else is
		// in the session, so it does not ask); kill it if it is ignored.
		_, _ = f.Write([]byte{'q'})
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		go func() {
			for range chunks { // keep draining so the exit never blocks on output
			}
		}()
		deadline := time.After(exitDeadline)
		poll := time.NewTicker(2 * time.Millisecond)
		defer poll.Stop()
		for {
			select {
			case <-done:
				return peak
			case <-poll.C:
				if mem, err := procMemory(cmd.Process.Pid); err == nil {
					peak = max(peak, mem["VmHWM"])
				}
			case <-deadline:
				_ = cmd.Process.Kill()
				<-done
				b.Errorf("program did not quit %v after q; killed", exitDeadline)
				return peak
			}
		}
	}

	var out []byte
	timeout := time.NewTimer(frameDeadline)
	defer timeout.Stop()
	for {
		select {
		case c, ok := <-chunks:
			if !ok {
				_ = cmd.Wait()
				b.Fatalf("program exited before its first full frame (%v); output:\n%s", cmd.ProcessState, screenText(out))
			}
			out = append(out, c...)
			if !fullFrame(out, markers) {
				continue
			}
			elapsed := time.Since(start)
			mem, err := procMemory(cmd.Process.Pid)
			if err == nil {
				mem["cpu"], err = procCPU(cmd.Process.Pid)
			}
			peak := stop()
			if err != nil {
				b.Fatal(err)
			}
			return started{frame: elapsed, quit: time.Since(start), mem: mem, peak: max(peak, mem["VmHWM"])}
		case <-timeout.C:
			_ = cmd.Process.Kill()
			stop()
			b.Fatalf("no full frame within %v (is the program waiting for a terminal reply?); output so far:\n%s", frameDeadline, screenText(out))
		}
	}
}

// fullFrame reports whether the output so far, ANSI stripped, shows every
// frame marker. The whole output is stripped each time because a chunk may
// end inside an escape sequence.
func fullFrame(out []byte, markers []string) bool {
	s := ansi.Strip(string(out))
	for _, m := range markers {
		if !strings.Contains(s, m) {
			return false
		}
	}
	return true
}

// screenText is the output for a failure message: ANSI stripped, bounded.
func screenText(out []byte) string {
	s := ansi.Strip(string(out))
	if len(s) > 4000 {
		s = "…" + s[len(s)-4000:]
	}
	return s
}

// procCPU is the CPU time all threads of a process have run so far, in
// ms, from each thread's schedstat (nanoseconds, unlike the clock ticks of
// /proc/<pid>/stat): steadier than wall time on a shared machine.
func procCPU(pid int) (float64, error) {
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/schedstat", pid))
	if err != nil || len(tasks) == 0 {
		return 0, fmt.Errorf("no schedstat for process %d: %v", pid, err)
	}
	var ns float64
	for _, t := range tasks {
		data, err := os.ReadFile(t)
		if err != nil {
			continue // the thread ended meanwhile
		}
		f := strings.Fields(string(data))
		if len(f) == 0 {
			return 0, errors.New(t + " is empty")
		}
		v, err := strconv.ParseFloat(f[0], 64)
		if err != nil {
			return 0, fmt.Errorf("%s: %w", t, err)
		}
		ns += v
	}
	return ns / 1e6, nil
}

// memFields are the /proc/<pid>/status lines reported, in kB: the
// resident set, its peak, and its split into anonymous memory (Go heap,
// stacks) and file pages (chiefly the workbook's mmap).
var memFields = []string{"VmRSS", "VmHWM", "RssAnon", "RssFile"}

// procMemory reads memFields of a process, in MiB.
func procMemory(pid int) (map[string]float64, error) {
	path := fmt.Sprintf("/proc/%d/status", pid)
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	mem := make(map[string]float64, len(memFields))
	for line := range bytes.Lines(data) {
		name, val, ok := strings.Cut(string(line), ":")
		if !ok || !slices.Contains(memFields, name) {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(val), " kB"), 64)
		if err != nil {
			return nil, fmt.Errorf("%s %s: %w", path, name, err)
		}
		mem[name] = kb / 1024
	}
	for _, f := range memFields {
		if _, ok := mem[f]; !ok {
			return nil, errors.New(f + " missing from " + path)
		}
	}
	return mem, nil
}

// startupWorkbook writes the 10,000-threat workbook of sizedStartupWorkbook.
func startupWorkbook(b *testing.B, path string) {
	b.Helper()
	sizedStartupWorkbook(b, path, startupThreats)
}

// sizedStartupWorkbook writes a workbook holding a model of that many threats (500
// assets, 200 surface elements) and points its resume position at the
// model's Threats step, so startup loads it and draws the threats table.
func sizedStartupWorkbook(b testing.TB, path string, threats int) {
	b.Helper()
	s, err := store.Open(path, store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Close()
	id, err := s.Create(startupModel(b, threats))
	if err != nil {
		b.Fatal(err)
	}
	// "threats" is tui.StepThreats.Name(), the stored step identifier.
	if err := s.SetPosition(model.Position{ModelID: id, Step: "threats"}); err != nil {
		b.Fatal(err)
	}
	if err := s.Close(); err != nil {
		b.Fatal(err)
	}
}

// startupModel mirrors store's bigModel benchmark fixture (test helpers
// cannot be imported across packages): records built directly, with text
// of realistic length, then normalized.
func startupModel(b testing.TB, threats int) *model.Model {
	b.Helper()
	m, err := model.New("Benchmark platform", "Security team", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if err != nil {
		b.Fatal(err)
	}
	m.Overview.Summary = "A generated model the size of a large platform review."
	for i := 1; i <= startupAssets; i++ {
		m.Assets = append(m.Assets, model.Asset{ID: model.FormatID(model.PrefixAsset, i), Name: fmt.Sprintf("Asset %d", i),
			Description: "Customer records, payment tokens and the audit trail that goes with them.", Sensitivity: model.Confidential})
	}
	for i := 1; i <= startupSurface; i++ {
		m.Surface = append(m.Surface, model.SurfaceElement{ID: model.FormatID(model.PrefixSurface, i), Name: fmt.Sprintf("Endpoint %d", i),
			Kind: model.KindAPI, Description: "Public REST endpoint behind the API gateway, authenticated with OAuth.", TrustZone: "internet"})
	}
	for i := 1; i <= 20; i++ {
		m.Actors = append(m.Actors, model.Actor{ID: model.FormatID(model.PrefixActor, i), Name: fmt.Sprintf("Actor %d", i),
			Kind: model.External, Capability: model.Medium, Risk: model.High})
	}
	mit := 0
	for i := 1; i <= threats; i++ {
		t := model.Threat{
			ID:          model.FormatID(model.PrefixThreat, i),
			Title:       fmt.Sprintf("Credential stuffing against endpoint %d", i%startupSurface+1),
			Description: "Attackers replay username and password pairs leaked from other services against the login endpoint, relying on password reuse; successful logins give full account access and expose stored payment methods.",
			Category:    model.StrideCategories[i%6],
			Vector:      "Authentication & Authorization",
			Assets: []string{model.FormatID(model.PrefixAsset, i%startupAssets+1), model.FormatID(model.PrefixAsset, (i*7)%startupAssets+1),
				model.FormatID(model.PrefixAsset, (i*13)%startupAssets+1)},
			Surface:    []string{model.FormatID(model.PrefixSurface, i%startupSurface+1), model.FormatID(model.PrefixSurface, (i*3)%startupSurface+1)},
			Actors:     []string{model.FormatID(model.PrefixActor, i%20+1)},
			OWASP:      []string{"A07:2025", "A01:2025"},
			Likelihood: i%5 + 1, Impact: (i/5)%5 + 1,
			Status: model.ThreatStatuses[i%len(model.ThreatStatuses)],
		}
		for range 2 {
			mit++
			t.Mitigations = append(t.Mitigations, model.Mitigation{ID: model.FormatID(model.PrefixMitigation, mit),
				Description: "Rate-limit login attempts per account and per IP, and require MFA after anomalies.", Status: model.MitigationImplemented})
		}
		m.Threats = append(m.Threats, t)
	}
	m.Seq = map[string]int{model.PrefixAsset: startupAssets, model.PrefixSurface: startupSurface, model.PrefixActor: 20,
		model.PrefixThreat: threats, model.PrefixMitigation: mit}
	m.Normalize()
	return m
}
