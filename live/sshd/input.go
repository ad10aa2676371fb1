package sshd

import (
	"io"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"
)

// input is a session's keyboard: it passes the client's bytes to the TUI at
// most rate bytes a second (bursts of up to burst), and notes when the
// participant last typed, for the idle timeout. While it holds bytes back
// the SSH channel's window fills and the client's own writes stall, so a
// flooding participant slows only themselves; one whose input falls more
// than flood behind the rate is disconnected.
//
// Only the TUI's input goroutine calls Read.
type input struct {
	r       io.Reader
	lim     *rate.Limiter
	burst   int
	flood   time.Duration
	onFlood func()
	// onClosed is called when reading fails: the input has ended.
	onClosed func()
	done     <-chan struct{}

	last atomic.Int64 // UnixNano of the last byte read
	// throttledSince is when the current run of held-back reads began;
	// zero while input keeps to the rate.
	throttledSince time.Time
}

func newInput(r io.Reader, perSecond float64, burst int, flood time.Duration, done <-chan struct{}, onFlood, onClosed func()) *input {
	in := &input{r: r, lim: rate.NewLimiter(rate.Limit(perSecond), burst), burst: burst, flood: flood, onFlood: onFlood, onClosed: onClosed, done: done}
	in.last.Store(time.Now().UnixNano())
	return in
}

func (in *input) Read(p []byte) (int, error) {
	if len(p) > in.burst {
		p = p[:in.burst]
	}
	n, err := in.r.Read(p)
	if err != nil {
		// The client closed its side (or the connection broke): nobody
		// can type into this session any more, so it ends. Bubble Tea
		// would otherwise keep drawing for no one until the idle timeout.
		in.onClosed()
	}
	if n == 0 {
		return n, err
	}
	now := time.Now()
	in.last.Store(now.UnixNano())
	d := in.lim.ReserveN(now, n).DelayFrom(now)
	if d <= 0 {
		in.throttledSince = time.Time{}
		return n, err
	}
	if in.throttledSince.IsZero() {
		in.throttledSince = now
	}
	if now.Add(d).Sub(in.throttledSince) > in.flood {
		// Drop what was read: the session is ending, and a flood's bytes
		// are not worth acting on.
		in.onFlood()
		<-in.done
		return 0, io.EOF
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return n, err
	case <-in.done:
		return 0, io.EOF
	}
}

// idleFor is how long ago the participant last typed.
func (in *input) idleFor(now time.Time) time.Duration {
	return now.Sub(time.Unix(0, in.last.Load()))
}
