package sshd

import (
	"fmt"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/live"
	"github.com/threatdeck/threatdeck/model"
)

// The benchmarks put a room of participants on loopback SSH, each with a
// terminal emulator, joined to a real live host on a 10,000-threat model
// in a real bbolt workbook: the whole path from a committed edit to every
// participant's screen. The participants run in a process of their own
// (see benchClients), so this process is the host alone. Figures come
// from a shared, loaded machine.

const (
	benchThreats = 10000
	benchWidth   = 120
	benchHeight  = 40
)

// benchRoom is the connected room.
type benchRoom struct {
	modelID string
	m       *model.Model
	clients *benchClients
	// screen is the first participant's screen once everyone is in.
	screen string
	n      int
	// commit is the facilitator's session inside the host: its edits are
	// applied by the host and sent to every member, as a host TUI's are.
	commit *live.Member
	// perParticipant is the host's heap growth per connected participant:
	// its SSH connection, session, TUI and model copy.
	perParticipant float64
	// before is the host's heap before anyone connected.
	before uint64
}

// newBenchRoom puts participants on loopback SSH to a real live host on a
// real bbolt workbook holding the 10,000-threat model, and waits until
// every screen shows it.
func newBenchRoom(b *testing.B, participants int) *benchRoom {
	b.Helper()
	m := newModel(b, "Big model")
	for i := range 200 {
		m.Assets = append(m.Assets, model.Asset{ID: model.FormatID(model.PrefixAsset, i+1), Name: "Asset " + strconv.Itoa(i), Sensitivity: model.Sensitivities[i%4]})
	}
	for i := range benchThreats {
		m.Threats = append(m.Threats, model.Threat{
			ID: model.FormatID(model.PrefixThreat, i+1), Title: "Threat number " + strconv.Itoa(i) + " against the service",
			Category: model.StrideCategories[i%6], Likelihood: i%5 + 1, Impact: (i/5)%5 + 1, Status: model.StatusOpen,
			Assets: []string{model.FormatID(model.PrefixAsset, i%200+1)},
		})
	}
	m.Seq = map[string]int{model.PrefixAsset: 200, model.PrefixThreat: benchThreats}
	m.Normalize()
	clients := startBenchClients(b, participants)
	lines := make([]string, participants)
	for i, l := range clients.lines {
		lines[i] = l + " participant-" + strconv.Itoa(i)
	}
	lr := newLiveRoom(b, m, Config{MaxSessions: participants, Logf: b.Logf}, lines...)
	lr.drain()

	before := heapInUse()
	r := &benchRoom{modelID: lr.modelID, m: m, commit: lr.fac, clients: clients, n: participants, before: before}
	r.screen = clients.connect(b, lr.s.Addr().String(), benchWidth, benchHeight, "Threat number")
	r.perParticipant = r.grownSince() / float64(participants)
	return r
}

// heapInUse is the live heap after a collection.
func heapInUse() uint64 {
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// measure runs one round: arm every screen's watch, act, and collect how
// long each participant waited for their screen to change.
func (r *benchRoom) measure(b *testing.B, text string, present bool, act func()) []time.Duration {
	b.Helper()
	r.clients.expect(b, text, present)
	start := time.Now()
	act()
	seen, err := r.clients.seen(b)
	if err != nil {
		b.Fatal(err)
	}
	out := make([]time.Duration, len(seen))
	for i, at := range seen {
		out[i] = at.Sub(start)
	}
	return out
}

// cpuMeter measures the host process's CPU time over the rounds: on a
// loaded machine a steadier figure than the latencies, which are mostly
// waiting for a core. The clients' process is not counted.
type cpuMeter struct {
	start time.Duration
	ok    bool
}

func startCPU() cpuMeter {
	d, ok := processCPU()
	return cpuMeter{d, ok}
}

// report adds the host's CPU milliseconds per round.
func (c cpuMeter) report(b *testing.B, rounds int) {
	end, ok := processCPU()
	if c.ok && ok && rounds > 0 {
		b.ReportMetric(float64((end-c.start).Microseconds())/1000/float64(rounds), "host-cpu-ms")
	}
}

// report adds p50 and p99 of the samples, in milliseconds.
func report(b *testing.B, samples []time.Duration) {
	if len(samples) == 0 {
		return
	}
	slices.Sort(samples)
	q := func(p float64) float64 {
		return float64(samples[min(len(samples)-1, int(p*float64(len(samples))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
}

var visibleThreat = regexp.MustCompile(`Threat number (\d+) against`)

// BenchmarkEditDrawnOnEveryScreen has the facilitator commit one edit (a
// visible threat's title) through the host, which applies it and sends it
// to every member, and times until every participant's screen shows it,
// from the moment the commit starts. The budget: p50 < 20 ms, p99 <
// 100 ms, and < 5 MiB per participant (MiB/participant once everyone is
// in; edited-MiB/participant once every screen has drawn every edit).
func BenchmarkEditDrawnOnEveryScreen(b *testing.B) {
	for _, n := range benchRooms {
		b.Run("participants="+strconv.Itoa(n), func(b *testing.B) { benchEditDrawn(b, n) })
	}
}

// benchRooms are the room sizes: one participant for the path's own cost,
// the twenty for the budget.
var benchRooms = []int{1, 20}

func benchEditDrawn(b *testing.B, participants int) {
	r := newBenchRoom(b, participants)
	match := visibleThreat.FindStringSubmatch(r.screen)
	if match == nil {
		b.Fatalf("no threat on screen:\n%s", r.screen)
	}
	n, _ := strconv.Atoi(match[1])
	threat := r.m.Threats[n]
	var (
		samples []time.Duration
		commit  time.Duration
	)
	i := 0
	cpu := startCPU()
	for b.Loop() {
		i++
		text := fmt.Sprintf("Edited %06d", i)
		threat.Title = text + " by the host"
		e := model.Edit{Label: "Edited " + threat.ID, By: "host", At: time.Now(),
			Records: []model.Record{{Kind: model.RecThreat, ID: threat.ID, Value: threat}}}
		var commitErr error
		got := r.measure(b, text, true, func() {
			t0 := time.Now()
			commitErr = r.commit.Commit(r.modelID, e)
			commit += time.Since(t0)
		})
		if commitErr != nil {
			b.Fatal(commitErr)
		}
		samples = append(samples, got...)
	}
	cpu.report(b, i)
	report(b, samples)
	b.ReportMetric(float64(commit.Microseconds())/1000/float64(i), "commit-ms")
	b.ReportMetric(r.perParticipant, "MiB/participant")
	// Every screen has drawn every edit: each session has applied them.
	b.ReportMetric(r.grownSince()/float64(r.n), "edited-MiB/participant")
}

// grownSince is the host's heap growth in MiB since before anyone
// connected.
func (r *benchRoom) grownSince() float64 {
	return float64(int64(heapInUse())-int64(r.before)) / (1 << 20)
}

// BenchmarkKeyDrawnOverSSH has every participant press ? at once (help
// opens, then closes) and waits until each one's own screen shows it: the
// round trip of a key through SSH, the session's input limit, the TUI and
// its frame back, with every session busy at the same moment.
func BenchmarkKeyDrawnOverSSH(b *testing.B) {
	for _, n := range benchRooms {
		b.Run("participants="+strconv.Itoa(n), func(b *testing.B) { benchKeyDrawn(b, n) })
	}
}

func benchKeyDrawn(b *testing.B, participants int) {
	r := newBenchRoom(b, participants)
	var samples []time.Duration
	open := false
	rounds := 0
	cpu := startCPU()
	for b.Loop() {
		rounds++
		open = !open
		got := r.measure(b, "quit now", open, func() { r.clients.press(b, "?") })
		samples = append(samples, got...)
	}
	cpu.report(b, rounds)
	report(b, samples)
	b.ReportMetric(r.perParticipant, "MiB/participant")
}
