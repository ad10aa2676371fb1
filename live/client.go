package live

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"sync"
	"syscall"
	"time"

	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

// DialOptions say how a client meets the host.
type DialOptions struct {
	// Join makes the client a member of the live session (a second TUI);
	// without it the client only asks questions (a CLI command).
	Join bool
	// Name is the participant's name when joining.
	Name string
	// Role may ask for observer; anything else joins as participant.
	Role model.Role
}

// Client is a threatdeck process's connection to the live host of a
// workbook. It implements tui.Live and what the CLI commands need of a
// workbook; it never touches the workbook file. Its methods are safe for
// concurrent use.
type Client struct {
	conn   *net.UnixConn
	path   string
	me     model.Participant
	events chan model.LiveEvent
	wmu    sync.Mutex

	mu      sync.Mutex
	next    uint64
	pending map[uint64]chan frame
	gone    error
	leaving bool
	// closedSent is set once Events got its EventClosed.
	closedSent bool
	announced  string
	done       chan struct{}
}

// protocolVersion is the version Dial speaks; tests change it to see a
// host refuse another version.
var protocolVersion = ProtocolVersion

// Dial connects to the live host of workbook. No host listening gives an
// error matching ErrNoHost (the caller then opens the workbook itself); a
// host that refuses this threatdeck a *RefusedError.
func Dial(workbook string, opts DialOptions) (*Client, error) {
	sock, err := SocketPath(workbook)
	if err != nil {
		return nil, err
	}
	conn, err := net.DialUnix("unix", nil, &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("%w (%s)", ErrNoHost, workbook)
		}
		return nil, fmt.Errorf("cannot reach the live host of workbook %s: %w", workbook, unwrapOp(err))
	}
	abs, _ := filepath.Abs(workbook)
	if uid, ok, err := peerUID(conn); err == nil && ok && uid != os.Getuid() {
		conn.Close()
		return nil, &RefusedError{Path: abs, Reason: "its host runs as another user"}
	}
	c := &Client{conn: conn, path: abs, pending: map[uint64]chan frame{}, done: make(chan struct{}),
		events: make(chan model.LiveEvent, defaultBuffer)}
	br := bufio.NewReaderSize(conn, 64<<10)
	if err := c.hello(br, opts); err != nil {
		conn.Close()
		return nil, err
	}
	go c.read(br)
	return c, nil
}

func (c *Client) hello(br *bufio.Reader, opts DialOptions) error {
	body, _ := json.Marshal(helloRequest(opts))
	data, _ := encodeFrame(frame{Op: opHello, ID: 1, V: protocolVersion, Body: body})
	_ = c.conn.SetDeadline(time.Now().Add(helloTimeout))
	defer c.conn.SetDeadline(time.Time{})
	if _, err := c.conn.Write(data); err != nil {
		return fmt.Errorf("cannot reach the live host of workbook %s: %w", c.path, unwrapOp(err))
	}
	line, err := readFrame(br, maxHelloBytes)
	if err != nil {
		return fmt.Errorf("the live host of workbook %s did not answer: %w", c.path, unwrapOp(err))
	}
	f, err := decodeFrame(line)
	if err != nil {
		return &RefusedError{Path: c.path, Reason: "it answered with a malformed message"}
	}
	if f.Err != nil {
		return &RefusedError{Path: c.path, Reason: f.Err.Text}
	}
	if f.V != protocolVersion {
		return &RefusedError{Path: c.path, Reason: fmt.Sprintf("it speaks live protocol %d and this threatdeck speaks %d; run the same threatdeck version on both sides", f.V, protocolVersion)}
	}
	var reply helloReply
	if err := json.Unmarshal(f.Body, &reply); err != nil {
		return &RefusedError{Path: c.path, Reason: "it answered with a malformed message"}
	}
	c.path, c.me = reply.Path, reply.Me
	return nil
}

// read dispatches replies and events until the connection ends.
func (c *Client) read(br *bufio.Reader) {
	cause := "connection lost"
	for {
		line, err := readFrame(br, MaxMessageBytes)
		if err != nil {
			break
		}
		if id, body, ok := splitReply(line); ok {
			c.reply(frame{ID: id, Body: body})
			continue
		}
		f, err := decodeFrame(line)
		if err != nil {
			cause = "it sent a malformed message"
			break
		}
		if f.Event != nil {
			if ev, err := fromWireEvent(f.Event); err == nil {
				c.deliver(ev)
			}
			continue
		}
		if f.ID == 0 && f.Err != nil {
			cause = f.Err.Text
			break
		}
		c.reply(f)
	}
	c.conn.Close()
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.leaving {
		c.gone = ErrClosed
	} else {
		c.gone = &goneError{path: c.path, cause: cause}
	}
	close(c.done)
	if !c.closedSent {
		text := "The live host of this workbook went away; every change it acknowledged is saved. Run threatdeck again to carry on."
		if c.leaving {
			text = "You left the live session."
		}
		c.push(model.LiveEvent{Kind: model.EventClosed, Text: text})
	}
	close(c.events)
}

// reply hands a reply to the call waiting for it.
func (c *Client) reply(f frame) {
	c.mu.Lock()
	ch := c.pending[f.ID]
	delete(c.pending, f.ID)
	c.mu.Unlock()
	if ch != nil {
		ch <- f
	}
}

// deliver passes an event on without ever blocking the reader: when the
// session does not keep up, its backlog is replaced by a reload.
func (c *Client) deliver(ev model.LiveEvent) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ev.Kind == model.EventClosed {
		if c.closedSent {
			return
		}
		c.closedSent = true
	}
	c.push(ev)
}

// push sends with c.mu held.
func (c *Client) push(ev model.LiveEvent) {
	select {
	case c.events <- ev:
		return
	default:
	}
	for drained := false; !drained; {
		select {
		case <-c.events:
		default:
			drained = true
		}
	}
	if ev.Kind != model.EventClosed {
		c.events <- model.LiveEvent{Kind: model.EventModels}
		ev = model.LiveEvent{Kind: model.EventEdit, ModelID: c.announced, Seq: ev.Seq, Reload: true}
	}
	c.events <- ev
}

// call sends one request and waits for its reply.
func (c *Client) call(op string, req, resp any) error {
	var body json.RawMessage
	if req != nil {
		var err error
		if body, err = json.Marshal(req); err != nil {
			return err
		}
	}
	c.mu.Lock()
	if c.gone != nil {
		err := c.gone
		c.mu.Unlock()
		return err
	}
	c.next++
	id := c.next + 1 // 1 was the hello
	ch := make(chan frame, 1)
	c.pending[id] = ch
	c.mu.Unlock()
	data, err := encodeFrame(frame{Op: op, ID: id, Body: body})
	if err != nil {
		return err
	}
	if len(data) > MaxMessageBytes {
		c.forget(id)
		return fmt.Errorf("the request is over %d MiB, more than the live host accepts", MaxMessageBytes>>20)
	}
	c.wmu.Lock()
	_ = c.conn.SetWriteDeadline(time.Now().Add(writeTimeout))
	_, err = c.conn.Write(data)
	c.wmu.Unlock()
	if err != nil {
		c.conn.Close()
	}
	select {
	case f := <-ch:
		if f.Err != nil {
			return fromWireError(f.Err)
		}
		if resp != nil {
			if err := json.Unmarshal(f.Body, resp); err != nil {
				return fmt.Errorf("the live host sent a malformed reply: %w", err)
			}
		}
		return nil
	case <-c.done:
		c.forget(id)
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.gone
	}
}

func (c *Client) forget(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

// Close leaves the session (Events ends with an EventClosed) and closes
// the connection. Calling it twice is harmless.
func (c *Client) Close() error {
	c.mu.Lock()
	c.leaving = c.gone == nil
	c.mu.Unlock()
	c.conn.Close()
	<-c.done
	return nil
}

// Path is the workbook's path, as the host opened it.
func (c *Client) Path() string { return c.path }

// Me is who this client is in the session.
func (c *Client) Me() model.Participant { return c.me }

// Events delivers the session's events in the host's order (nothing but
// the final EventClosed for a client that did not join).
func (c *Client) Events() <-chan model.LiveEvent { return c.events }

// Announce tells the others where this session is.
func (c *Client) Announce(p model.Presence) error {
	c.mu.Lock()
	c.announced = p.ModelID
	c.mu.Unlock()
	return c.call(opAnnounce, p, nil)
}

// List describes every model.
func (c *Client) List() ([]model.Summary, error) {
	var sums []model.Summary
	if err := c.call(opList, nil, &sums); err != nil {
		return nil, err
	}
	if len(sums) == 0 {
		return nil, nil
	}
	return sums, nil
}

// Find loads a model by id or title, with store.Find's semantics and errors.
func (c *Client) Find(ref string) (*model.Model, error) { return c.loadOp(opFind, ref) }

// Load loads model id.
func (c *Client) Load(id string) (*model.Model, error) { return c.loadOp(opLoad, id) }

func (c *Client) loadOp(op, ref string) (*model.Model, error) {
	var reply modelReply
	if err := c.call(op, refRequest{Ref: ref}, &reply); err != nil {
		return nil, err
	}
	if reply.Model == nil {
		return nil, errors.New("the live host sent no model")
	}
	reply.Model.ID = reply.ID
	return reply.Model, nil
}

// Create has the host store a new model, and sets m.ID.
func (c *Client) Create(m *model.Model) (string, error) {
	var reply modelReply
	if err := c.call(opCreate, m, &reply); err != nil {
		return "", err
	}
	m.ID = reply.ID
	return reply.ID, nil
}

// Commit has the host apply one edit; it returns once it is committed.
func (c *Client) Commit(modelID string, e model.Edit) error {
	w, err := toWireEdit(e)
	if err != nil {
		return err
	}
	return c.call(opCommit, commitRequest{ModelID: modelID, Edit: w}, nil)
}

// Delete has the host remove a model.
func (c *Client) Delete(modelID string) error {
	return c.call(opDelete, refRequest{Ref: modelID}, nil)
}

// Position is where this session last was.
func (c *Client) Position() (model.Position, error) {
	var p model.Position
	err := c.call(opPosition, nil, &p)
	return p, err
}

// SetPosition records where this session is.
func (c *Client) SetPosition(p model.Position) error { return c.call(opSetPosition, p, nil) }

// ModelPosition is where this session last was in one model.
func (c *Client) ModelPosition(id string) (model.Position, error) {
	var p model.Position
	err := c.call(opModelPosition, refRequest{Ref: id}, &p)
	return p, err
}

// Backup has the host write a consistent copy of the workbook to dest (a
// path on this machine, made absolute here).
func (c *Client) Backup(dest string) error {
	if dest == "" {
		return errors.New("no backup file given")
	}
	if abs, err := filepath.Abs(dest); err == nil {
		dest = abs
	}
	return c.call(opBackup, refRequest{Ref: dest}, nil)
}

// Libraries lists the workbook's team libraries.
func (c *Client) Libraries() ([]store.LibraryInfo, error) {
	var out []store.LibraryInfo
	if err := c.call(opLibraries, nil, &out); err != nil || len(out) == 0 {
		return nil, err
	}
	return out, nil
}

// ActiveLibraries returns the active team libraries.
func (c *Client) ActiveLibraries() ([]model.Library, error) {
	var out []model.Library
	if err := c.call(opActiveLibs, nil, &out); err != nil || len(out) == 0 {
		return nil, err
	}
	return out, nil
}

// AddLibrary has the host store l as the next version of its name.
func (c *Client) AddLibrary(l model.Library, now time.Time) (int, error) {
	var v int
	err := c.call(opAddLibrary, addLibraryRequest{Library: l, Now: now}, &v)
	return v, err
}

// RemoveLibrary has the host remove a team library (version 0: all).
func (c *Client) RemoveLibrary(name string, version int) (int, error) {
	var n int
	err := c.call(opRemoveLibrary, removeLibraryRequest{Name: name, Version: version}, &n)
	return n, err
}

// unwrapOp drops *net.OpError's wrapping, whose text repeats the socket.
func unwrapOp(err error) error {
	if oe, ok := errors.AsType[*net.OpError](err); ok && oe.Err != nil {
		if se, ok := errors.AsType[*os.SyscallError](oe.Err); ok {
			return se.Err
		}
		return oe.Err
	}
	return err
}
