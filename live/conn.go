package live

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// Bounds of one connection.
const (
	// helloTimeout is how long a peer has to say hello.
	helloTimeout = 5 * time.Second
	// writeTimeout cuts a peer that stops reading: its frames are not
	// queued without end.
	writeTimeout = 10 * time.Second
	// requestBurst and requestRate bound requests per connection: far
	// above what a person or a command sends, far below a flood.
	requestBurst = 256
	requestRate  = 128 // per second
)

func (h *Host) accept() {
	defer h.wg.Done()
	for {
		c, err := h.ln.AcceptUnix()
		if err != nil {
			h.mu.Lock()
			closed := h.closed
			h.mu.Unlock()
			if !closed {
				h.logf("the live session's socket stopped accepting connections: %v", err)
			}
			return
		}
		h.mu.Lock()
		if h.closed {
			h.mu.Unlock()
			c.Close()
			return
		}
		h.conns[c] = struct{}{}
		h.wg.Add(1)
		h.mu.Unlock()
		go h.serveConn(c)
	}
}

// connWriter writes frames to one connection, one at a time, each within
// writeTimeout; a write that fails closes the connection.
type connWriter struct {
	c  *net.UnixConn
	mu sync.Mutex
}

func (w *connWriter) write(f frame) error {
	data, err := encodeFrame(f)
	if err != nil {
		return err
	}
	w.mu.Lock()
	defer w.mu.Unlock()
	_ = w.c.SetWriteDeadline(time.Now().Add(writeTimeout))
	if _, err := w.c.Write(data); err != nil {
		w.c.Close()
		return err
	}
	return nil
}

// fail tells the peer why its connection ends (best effort).
func (w *connWriter) fail(text string) {
	_ = w.write(frame{Err: &wireError{Text: text, Code: codeClosed}})
}

func (h *Host) serveConn(c *net.UnixConn) {
	defer h.wg.Done()
	defer func() {
		c.Close()
		h.mu.Lock()
		delete(h.conns, c)
		h.mu.Unlock()
	}()
	w := &connWriter{c: c}
	// The hello is read before anything is decided, so a refused peer
	// reads the refusal rather than a broken pipe.
	br := bufio.NewReaderSize(c, 64<<10)
	_ = c.SetReadDeadline(time.Now().Add(helloTimeout))
	line, err := readFrame(br, maxHelloBytes)
	if uid, ok, perr := peerUID(c); perr != nil || ok && !h.allowUID(uid) {
		h.logf("refused a connection from another user (uid %d): the live session serves only its owner", uid)
		_ = w.write(frame{Op: opHello, V: ProtocolVersion, Err: &wireError{Code: codeRefused,
			Text: "it serves only the user who started it"}})
		return
	}
	if err != nil {
		return
	}
	f, err := decodeFrame(line)
	if err != nil || f.Op != opHello {
		h.logf("closed a connection that did not start with a hello")
		w.fail("the first message must be a hello; closing the connection")
		return
	}
	if f.V != ProtocolVersion {
		h.logf("refused a threatdeck that speaks live protocol %d: this host speaks %d; run the same threatdeck version on both sides", f.V, ProtocolVersion)
		_ = w.write(frame{Op: opHello, V: ProtocolVersion, Err: &wireError{Code: codeRefused,
			Text: fmt.Sprintf("it speaks live protocol %d and this threatdeck speaks %d; run the same threatdeck version on both sides", ProtocolVersion, f.V)}})
		return
	}
	_ = c.SetReadDeadline(time.Time{})
	var hello helloRequest
	if len(f.Body) > 0 {
		if err := json.Unmarshal(f.Body, &hello); err != nil {
			w.fail("malformed hello; closing the connection")
			return
		}
	}
	m := h.guest()
	if hello.Join {
		role := model.RoleParticipant
		if hello.Role == model.RoleObserver {
			role = model.RoleObserver // a peer may ask for less, never for more
		}
		if m, err = h.Join(model.Participant{Name: hello.Name, Role: role}); err != nil {
			_ = w.write(frame{Op: opHello, ID: f.ID, V: ProtocolVersion, Err: toWireError(err)})
			return
		}
	}
	body, _ := json.Marshal(helloReply{Path: h.Path(), Me: m.me})
	if w.write(frame{Op: opHello, ID: f.ID, V: ProtocolVersion, Body: body}) != nil {
		return
	}
	if m.registered {
		done := make(chan struct{})
		go func() { forward(w, m.events); close(done) }()
		// The member's last event (EventClosed) reaches the peer before
		// the connection closes.
		defer func() { h.leave(m, "You left the live session."); <-done }()
	}
	bucket := newBucket(requestBurst, requestRate)
	for {
		line, err := readFrame(br, h.maxMessage)
		if errors.Is(err, errTooBig) {
			h.logf("closed a connection that sent a message over %d MiB", h.maxMessage>>20)
			w.fail(fmt.Sprintf("message over %d MiB; closing the connection", h.maxMessage>>20))
			return
		}
		if err != nil {
			return
		}
		f, err := decodeFrame(line)
		if err != nil {
			h.logf("closed a connection that sent a malformed message")
			w.fail("malformed message; closing the connection")
			return
		}
		if !bucket.take(time.Now()) {
			h.logf("closed a connection that sent more than %d requests a second", requestRate)
			w.fail("too many requests; closing the connection")
			return
		}
		body, err := h.dispatch(m, f)
		reply := frame{ID: f.ID, Body: body}
		if err != nil {
			reply = frame{ID: f.ID, Err: toWireError(err)}
		}
		if w.write(reply) != nil {
			return
		}
	}
}

// forward writes a member's events to its connection until they end.
func forward(w *connWriter, events <-chan model.LiveEvent) {
	for ev := range events {
		wev, err := toWireEvent(ev)
		if err != nil {
			continue
		}
		if w.write(frame{Event: wev}) != nil {
			// The reader sees the closed connection and ends the member;
			// keep draining so nothing waits on this channel.
			for range events {
			}
			return
		}
	}
}

// dispatch runs one request for member m and returns the reply's body.
func (h *Host) dispatch(m *Member, f frame) (json.RawMessage, error) {
	var out any
	var err error
	decode := func(v any) error {
		if err := json.Unmarshal(f.Body, v); err != nil {
			return fmt.Errorf("malformed %s request: %w", f.Op, err)
		}
		return nil
	}
	switch f.Op {
	case opList:
		var sums []model.Summary
		sums, err = m.List()
		out = nonNil(sums)
	case opFind, opLoad:
		var req refRequest
		if err = decode(&req); err != nil {
			break
		}
		var mod *model.Model
		if f.Op == opFind {
			mod, err = m.Find(req.Ref)
		} else {
			mod, err = m.Load(req.Ref)
		}
		if err == nil {
			out = modelReply{ID: mod.ID, Model: mod}
		}
	case opCreate:
		var mod model.Model
		if err = decode(&mod); err != nil {
			break
		}
		var id string
		id, err = m.Create(&mod)
		out = modelReply{ID: id}
	case opCommit:
		var req commitRequest
		if err = decode(&req); err != nil {
			break
		}
		var e model.Edit
		if e, err = fromWireEdit(req.Edit); err == nil {
			err = m.Commit(req.ModelID, e)
		}
	case opDelete:
		var req refRequest
		if err = decode(&req); err == nil {
			err = m.Delete(req.Ref)
		}
	case opPosition:
		out, err = m.Position()
	case opSetPosition:
		var p model.Position
		if err = decode(&p); err == nil {
			err = m.SetPosition(p)
		}
	case opModelPosition:
		var req refRequest
		if err = decode(&req); err == nil {
			out, err = m.ModelPosition(req.Ref)
		}
	case opAnnounce:
		var p model.Presence
		if err = decode(&p); err == nil {
			err = m.Announce(p)
		}
	case opBackup:
		var req refRequest
		if err = decode(&req); err == nil {
			err = h.Backup(req.Ref)
		}
	case opLibraries:
		out, err = h.Libraries()
	case opActiveLibs:
		out, err = h.ActiveLibraries()
	case opAddLibrary:
		var req addLibraryRequest
		if err = decode(&req); err == nil {
			out, err = h.addLibrary(m, req.Library, req.Now)
		}
	case opRemoveLibrary:
		var req removeLibraryRequest
		if err = decode(&req); err == nil {
			out, err = h.removeLibrary(m, req.Name, req.Version)
		}
	case opHistory:
		var req historyRequest
		if err = decode(&req); err == nil {
			out, err = m.History(req.ModelID, req.Limit)
		}
	default:
		err = fmt.Errorf("unknown request %q", f.Op)
	}
	if err != nil {
		return nil, err
	}
	if out == nil {
		return nil, nil
	}
	return json.Marshal(out)
}

// bucket is a token bucket: burst requests at once, rate a second after.
type bucket struct {
	tokens, burst, rate float64
	last                time.Time
}

func newBucket(burst, rate float64) *bucket {
	return &bucket{tokens: burst, burst: burst, rate: rate}
}

func (b *bucket) take(now time.Time) bool {
	if !b.last.IsZero() {
		b.tokens = min(b.burst, b.tokens+now.Sub(b.last).Seconds()*b.rate)
	}
	b.last = now
	if b.tokens < 1 {
		return false
	}
	b.tokens--
	return true
}
