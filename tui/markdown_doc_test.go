package tui

import (
	"strings"
	"testing"
	"time"

	"charm.land/lipgloss/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// docText draws all of a virtual document by windows of n lines, the way
// scrolling reads it.
func docText(d *mdDoc, n int) string {
	var out []string
	for from := 0; ; from += n {
		lines := d.Lines(from, n)
		out = append(out, lines...)
		if len(lines) < n {
			break
		}
	}
	return strings.Join(out, "\n")
}

// The virtual preview draws exactly the lines of the whole render: the
// example report and a large one (whose lists and register are drawn in
// windows), in colour and plain, at several widths.
func TestMDDocMatchesRender(t *testing.T) {
	example := export.Markdown(model.Example(time.Date(2025, 3, 14, 0, 0, 0, 0, time.UTC)))
	big := export.Markdown(sizedModel(t, 300))
	var lists strings.Builder
	for i := range 150 {
		lists.WriteString([]string{"- [x] done " + itoa(i) + "\n", "- [ ] todo **" + itoa(i) + "**\n", "- [link](https://x.test/" + itoa(i) + ") and `code` a long item that wraps at twenty columns\n"}[i%3])
	}
	lists.WriteString("\n| a | b \\| c |\n| :-- | --: |\n")
	for i := range 150 {
		lists.WriteString("| " + strings.Repeat("word ", i%9) + "| x<br>y |\n")
	}
	for _, md := range [][]byte{example, big, []byte(lists.String())} {
		for _, st := range []mdStyles{plainMD(), colourMD()} {
			for _, width := range []int{20, 57, 80, 118} {
				want := renderMarkdown(md, width, st)
				for _, n := range []int{1, 7, 200} {
					d := newMDDoc(md, width, st)
					if got := docText(d, n); got != want {
						t.Fatalf("plain=%v width %d window %d: differs at line %s", st.plain, width, n, firstDiff(got, want))
					}
					if d.Len() != strings.Count(want, "\n")+1 {
						t.Fatalf("Len %d, want %d", d.Len(), strings.Count(want, "\n")+1)
					}
				}
				// Laid out ahead by a command, then adopted: the same.
				d := newMDDoc(md, width, st)
				d.Lines(0, 10)
				d.adopt(layAhead(d.unlaid(), width, st))
				if got := docText(d, 40); got != want {
					t.Fatalf("adopted plain=%v width %d: differs at line %s", st.plain, width, firstDiff(got, want))
				}
			}
		}
	}
	d := newMDDoc(big, 80, plainMD())
	d.Len()
	tables := 0
	for _, p := range d.pieces {
		if p.table != nil {
			tables++
		}
	}
	if len(d.pieces) < 10 || tables == 0 {
		t.Errorf("the large report was cut in %d pieces, %d tables drawn in windows", len(d.pieces), tables)
	}
}

func firstDiff(a, b string) string {
	al, bl := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(al), len(bl)) {
		if al[i] != bl[i] {
			return itoa(i) + ": " + ansi.Strip(al[i]) + " ≠ " + ansi.Strip(bl[i])
		}
	}
	return "end (" + itoa(len(al)) + " vs " + itoa(len(bl)) + " lines)"
}

// previewBench is the report of a model with n threats, built once per
// size for the preview benchmarks.
func previewBench(b *testing.B, n int) []byte {
	b.Helper()
	md := export.Markdown(sizedModel(b, n))
	b.SetBytes(int64(len(md)))
	return md
}

// BenchmarkPreviewFirstScreen is what the Review step's command does
// before the preview shows: cut the report and lay out its first 40
// lines for a 118-column pane (BenchmarkRenderPreview drew it whole).
func BenchmarkPreviewFirstScreen(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(itoa(n/1000)+"k", func(b *testing.B) {
			md := previewBench(b, n)
			st := colourMD()
			b.ResetTimer()
			for b.Loop() {
				drawPreview(md, 118, st, 40)
			}
		})
	}
}

// BenchmarkPreviewScroll is one pgdown through the preview, as Update
// and View do it (scroll, draw the 39 lines on screen in the pane), on a
// report laid out ahead; every window is drawn the first time it shows,
// as a user paging through the whole report sees it (the report is laid
// out afresh each time the benchmark reaches its end).
func BenchmarkPreviewScroll(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		b.Run(itoa(n/1000)+"k", func(b *testing.B) {
			md := previewBench(b, n)
			b.SetBytes(0)
			st := colourMD()
			fresh := func() *mdDoc {
				d := drawPreview(md, 118, st, 40)
				d.adopt(layAhead(d.unlaid(), 118, st))
				return d
			}
			const h = 39
			d, off := fresh(), 0
			b.ResetTimer()
			for range b.N {
				d.reach(off + h + h)
				off = max(0, min(off+h, d.total-h))
				d.Pane(off, h, 118)
				if off+h >= d.total {
					b.StopTimer()
					d, off = fresh(), 0
					b.StartTimer()
				}
			}
		})
	}
}

// FuzzMDDoc: any Markdown draws through the virtual preview exactly as
// renderMarkdown draws it, read in windows of any size.
func FuzzMDDoc(f *testing.F) {
	f.Add([]byte("# T\n\n| a | b |\n| - | - |\n| 1 | 2 |\n\n- x\n- y\n\n> q\n\n1. a\n\n2. b\n\n```\nx\n\n# no\n```\n\n# h"), 30, 3)
	f.Add([]byte(strings.Repeat("- item *em*\n", 70)+"\ntext\n\n"+"| a | b |\n| --- | --- |\n"+strings.Repeat("| long cell text here | 2 |\n", 70)), 24, 5)
	f.Fuzz(func(t *testing.T, md []byte, width, n int) {
		width = 20 + abs(width)%120
		n = 1 + abs(n)%50
		for _, st := range []mdStyles{plainMD(), colourMD()} {
			want := renderMarkdown(md, width, st)
			ch := make(chan string, 1)
			go func() { ch <- docText(newMDDoc(md, width, st), n) }()
			var got string
			select {
			case got = <-ch:
			case <-time.After(2 * time.Second):
				t.Fatalf("HANG width %d window %d plain=%v: %q", width, n, st.plain, md)
			}
			if got != want {
				t.Fatalf("plain=%v width %d window %d: differs at line %s\n%q", st.plain, width, n, firstDiff(got, want), md)
			}
		}
	})
}

// The pane is what the viewport drew: the lines padded to the pane's
// width and height by lipgloss, each cut to the pane.
func TestMDDocPaneIsTheViewport(t *testing.T) {
	md := export.Markdown(sizedModel(t, 200))
	for _, st := range []mdStyles{plainMD(), colourMD()} {
		for _, tc := range []struct{ docW, paneW int }{{80, 80}, {118, 120}, {118, 60}} {
			d := newMDDoc(md, tc.docW, st)
			total := d.Len()
			for _, h := range []int{1, 23, 39} {
				for from := 0; from < total+5; from += 97 {
					view := lipgloss.NewStyle().Width(tc.paneW).Height(h).Render(strings.Join(d.Lines(from, h), "\n"))
					lines := strings.Split(view, "\n")
					for i, l := range lines {
						lines[i] = ansi.Truncate(l, tc.paneW, "")
					}
					if got, want := d.Pane(from, h, tc.paneW), strings.Join(lines, "\n"); got != want {
						t.Fatalf("plain=%v %+v h %d from %d: differs at line %s", st.plain, tc, h, from, firstDiff(got, want))
					}
				}
			}
		}
	}
}

// BenchmarkPreviewLayAhead is the command that lays the rest of the
// report out behind the first screen (off the UI goroutine).
func BenchmarkPreviewLayAhead(b *testing.B) {
	md := previewBench(b, 10000)
	st := colourMD()
	for b.Loop() {
		d := drawPreview(md, 118, st, 40)
		layAhead(d.unlaid(), 118, st)
	}
}
