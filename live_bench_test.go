package main

import (
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/live"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/tui"
)

// liveMembers is the room size of issue 9's targets; liveEdits the edits
// of BenchmarkLiveMemberMemory's session.
const (
	liveMembers = 20
	liveEdits   = 10
)

// BenchmarkLiveList is `threatdeck list` through a live host (a `threatdeck
// serve` process) of a workbook holding a 10,000-threat model: the whole
// command process, fork/exec to exit. Target < 50 ms.
func BenchmarkLiveList(b *testing.B) {
	bin := threatdeckBinary(b)
	db := filepath.Join(b.TempDir(), "bench.db")
	startupWorkbook(b, db)
	serve := exec.Command(bin, "--db", db, "serve")
	out, _ := serve.StdoutPipe()
	if err := serve.Start(); err != nil {
		b.Fatal(err)
	}
	defer func() { serve.Process.Kill(); serve.Wait() }()
	buf := make([]byte, 256)
	if _, err := out.Read(buf); err != nil { // "Hosting workbook …"
		b.Fatal(err)
	}
	// The host has the model loaded, as it has once anyone opened it.
	if out, err := exec.Command(bin, "--db", db, "list").CombinedOutput(); err != nil {
		b.Fatalf("list: %v %s", err, out)
	}
	for b.Loop() {
		if err := exec.Command(bin, "--db", db, "list").Run(); err != nil {
			b.Fatal(err)
		}
	}
}

// liveHost opens a host on the 10,000-threat workbook.
func liveHost(b *testing.B) (*live.Host, string) {
	b.Helper()
	db := filepath.Join(b.TempDir(), "bench.db")
	startupWorkbook(b, db)
	h, err := live.Open(db, live.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { h.Close() })
	sums, err := h.List()
	if err != nil || len(sums) != 1 {
		b.Fatal(sums, err)
	}
	return h, sums[0].ID
}

// BenchmarkLiveEditDelivery: one edit committed by one member of a room
// of 20 on a 10,000-threat model, until every member has received it
// (each applies it to its own copy, as a TUI would before drawing).
// p50-ms and p99-ms are over every delivery of every edit; in-process
// members are how SSH sessions join, socket members how a local TUI does.
func BenchmarkLiveEditDelivery(b *testing.B) {
	for _, kind := range []string{"in-process", "socket"} {
		b.Run(kind, func(b *testing.B) {
			h, id := liveHost(b)
			var members []tui.Live
			for i := range liveMembers {
				var wb tui.Live
				if kind == "in-process" {
					m, err := h.Join(model.Participant{Name: "p" + string(rune('a'+i))})
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(m.Leave)
					wb = m
				} else {
					c, err := live.Dial(h.Path(), live.DialOptions{Join: true, Name: "p" + string(rune('a'+i))})
					if err != nil {
						b.Fatal(err)
					}
					b.Cleanup(func() { c.Close() })
					wb = c
				}
				members = append(members, wb)
			}
			copies := make([]*model.Model, len(members))
			for i, m := range members {
				var err error
				if copies[i], err = m.Load(id); err != nil {
					b.Fatal(err)
				}
			}
			// Each member applies edits on its own goroutine and reports
			// when it has the one the loop waits for.
			got := make(chan time.Time, liveMembers)
			for i, m := range members {
				go func() {
					for ev := range m.Events() {
						if ev.Kind == model.EventEdit && ev.Edit != nil {
							copies[i].Apply(*ev.Edit)
							got <- time.Now()
						}
					}
				}()
			}
			// Drain the join presence events before timing.
			time.Sleep(100 * time.Millisecond)
			sender := members[0]
			mine, _ := sender.Load(id)
			var lat []time.Duration
			for b.Loop() {
				a, _ := mine.Asset("AS-001")
				a.Description = "edited " + time.Now().String()
				ch, err := mine.PutAsset(a, model.DefaultClock())
				if err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				if err := sender.Commit(id, ch.Do); err != nil {
					b.Fatal(err)
				}
				for range liveMembers {
					lat = append(lat, (<-got).Sub(start))
				}
			}
			slices.Sort(lat)
			b.ReportMetric(ms(lat[len(lat)/2]), "p50-ms")
			b.ReportMetric(ms(lat[len(lat)*99/100]), "p99-ms")
		})
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// BenchmarkLiveMemberMemory: the host's heap growth per in-process member
// on a 10,000-threat model, 20 members, each holding its own copy of the
// model as a TUI does (join-MiB is the session bookkeeping alone). Target
// < 5 MiB per participant. edited-MiB/member is the growth once liveEdits
// members have each edited a threat and every member has applied every
// edit, as a session goes on: sessions share what they have not changed,
// and an edit's author shares again once its edit comes back.
func BenchmarkLiveMemberMemory(b *testing.B) {
	h, id := liveHost(b)
	// The facilitator's TUI opened the model, and a second session made
	// the host keep its own copy: both are there before the room joins.
	for range 2 {
		if _, err := h.Load(id); err != nil {
			b.Fatal(err)
		}
	}
	for b.Loop() {
		before := heap()
		var members []*live.Member
		for i := range liveMembers {
			m, err := h.Join(model.Participant{Name: "p" + string(rune('a'+i))})
			if err != nil {
				b.Fatal(err)
			}
			members = append(members, m)
		}
		joined := heap()
		copies := make([]*model.Model, 0, liveMembers)
		for _, m := range members {
			c, err := m.Load(id)
			if err != nil {
				b.Fatal(err)
			}
			copies = append(copies, c)
		}
		loaded := heap()
		for k := range liveEdits {
			t := copies[k].Threats[k]
			t.Title = "Edited " + t.Title
			ch, err := copies[k].PutThreat(t, model.DefaultClock())
			if err != nil {
				b.Fatal(err)
			}
			if err := members[k].Commit(id, ch.Do); err != nil {
				b.Fatal(err)
			}
		}
		for i, m := range members {
			for applied := 0; applied < liveEdits; {
				if ev := <-m.Events(); ev.Kind == model.EventEdit && ev.Edit != nil {
					copies[i].Apply(*ev.Edit)
					applied++
				}
			}
		}
		edited := heap()
		runtime.KeepAlive(copies)
		for _, m := range members {
			m.Leave()
		}
		b.ReportMetric(float64(joined-before)/liveMembers/(1<<20), "join-MiB")
		b.ReportMetric(float64(loaded-before)/liveMembers/(1<<20), "MiB/member")
		b.ReportMetric(float64(edited-before)/liveMembers/(1<<20), "edited-MiB/member")
	}
}

func heap() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// BenchmarkLiveLoad: a session opening the 10,000-threat model through
// the host: in-process (an SSH session) copies the host's model; over the
// socket (a second local TUI, or export) it travels as JSON.
func BenchmarkLiveLoad(b *testing.B) {
	h, id := liveHost(b)
	m, err := h.Join(model.Participant{Name: "ssh"})
	if err != nil {
		b.Fatal(err)
	}
	defer m.Leave()
	c, err := live.Dial(h.Path(), live.DialOptions{Join: true, Name: "tui"})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	for name, wb := range map[string]tui.Live{"in-process": m, "socket": c} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				if _, err := wb.Load(id); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
