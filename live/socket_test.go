package live

import (
	"reflect"

	"bufio"
	"encoding/json"
	"errors"
	"net"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
)

func dial(t testing.TB, h *Host, opts DialOptions) *Client {
	t.Helper()
	c, err := Dial(h.Path(), opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// rawConn is a peer speaking the protocol by hand.
type rawConn struct {
	net.Conn
	r *bufio.Reader
}

func rawDial(t testing.TB, h *Host) *rawConn {
	t.Helper()
	c, err := net.Dial("unix", h.Socket())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return &rawConn{Conn: c, r: bufio.NewReader(c)}
}

func (c *rawConn) send(t testing.TB, line string) {
	t.Helper()
	if _, err := c.Write([]byte(line + "\n")); err != nil {
		t.Fatal(err)
	}
}

// recv reads frames until one that is not an event.
func (c *rawConn) recv(t testing.TB) (frame, error) {
	t.Helper()
	c.SetReadDeadline(time.Now().Add(5 * time.Second))
	for {
		line, err := readFrame(c.r, MaxMessageBytes)
		if err != nil {
			return frame{}, err
		}
		f, err := decodeFrame(line)
		if err != nil {
			t.Fatal(err)
		}
		if f.Event == nil {
			return f, nil
		}
	}
}

// closedAfter asserts the host closes the connection, having said why.
func (c *rawConn) closedAfter(t testing.TB, why string) {
	t.Helper()
	f, err := c.recv(t)
	if err != nil || f.Err == nil || !strings.Contains(f.Err.Text, why) {
		t.Fatalf("got %+v, %v; want an error about %q", f, err, why)
	}
	if _, err := c.recv(t); err == nil {
		t.Fatal("the connection stayed open")
	}
}

func TestSocketMode(t *testing.T) {
	h, _ := newHost(t)
	st, err := os.Stat(h.Socket())
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode()&os.ModeSocket == 0 || st.Mode().Perm() != 0o600 {
		t.Errorf("socket %s mode %v", h.Socket(), st.Mode())
	}
	if h.Socket() != h.Path()+".sock" {
		t.Errorf("socket %s", h.Socket())
	}
}

func TestSocketPathTooLong(t *testing.T) {
	long := "/" + strings.Repeat("d", 60) + "/" + strings.Repeat("e", 30) + "/wb.db"
	p, err := SocketPath(long)
	if err != nil {
		t.Fatal(err)
	}
	if len(p) > maxSocketPath {
		t.Errorf("%d bytes: %s", len(p), p)
	}
	if q, _ := SocketPath(long); q != p {
		t.Error("the path is not stable")
	}
	if other, _ := SocketPath(long + "2"); other == p {
		t.Error("two workbooks share a socket")
	}
}

// TestClientThroughSocket: every operation a command or a joined TUI
// needs, over the real socket, with the store's errors.
func TestClientThroughSocket(t *testing.T) {
	h, id := newHost(t)
	member := join(t, h, "host", model.RoleFacilitator)
	c := dial(t, h, DialOptions{Join: true, Name: "carol"})
	if c.Me().Name != "carol" || c.Me().Role != model.RoleParticipant || c.Path() != h.Path() {
		t.Fatalf("client is %+v on %s", c.Me(), c.Path())
	}
	sums, err := c.List()
	if err != nil || len(sums) != 1 || sums[0].Title != "Payments" {
		t.Fatalf("list %+v %v", sums, err)
	}
	if _, err := c.Find("no such"); !errors.Is(err, store.ErrNotFound) || err.Error() != (&store.NotFoundError{Ref: "no such"}).Error() {
		t.Errorf("find: %v", err)
	}
	m, err := c.Find("payments")
	if err != nil || m.ID != id {
		t.Fatalf("find by title: %v %v", m, err)
	}
	ch, _ := m.PutThreat(threat("over the socket"), t0)
	ch.Do.By = "mallory" // the host names who sent it, whatever the edit says
	if err := c.Commit(id, ch.Do); err != nil {
		t.Fatal(err)
	}
	ev := next(t, member.Events(), model.EventEdit)
	if ev.Edit.By != "carol" || ev.Edit.Label != "Added threat T-001" {
		t.Errorf("member got %+v", ev.Edit)
	}
	if ev := next(t, c.Events(), model.EventEdit); ev.Seq != 1 || ev.Edit.Records[len(ev.Edit.Records)-2].Value.(model.Threat).Title != "over the socket" {
		t.Errorf("the client's echo %+v", ev)
	}
	m2, _ := model.New("Second", "", t0)
	nid, err := c.Create(m2)
	if err != nil || m2.ID != nid {
		t.Fatal(err)
	}
	if ev := next(t, member.Events(), model.EventModels); ev.ModelID != nid {
		t.Errorf("models event %+v", ev)
	}
	if err := c.Delete(nid); err == nil {
		t.Error("a participant deleted a model")
	}
	if err := c.Announce(model.Presence{ModelID: id, Step: "threats"}); err != nil {
		t.Fatal(err)
	}
	if err := c.SetPosition(model.Position{ModelID: id, Step: "threats"}); err != nil {
		t.Fatal(err)
	}
	if p, err := c.ModelPosition(id); err != nil || p.Step != "threats" {
		t.Errorf("position %+v %v", p, err)
	}
	dest := t.TempDir() + "/copy.db"
	if err := c.Backup(dest); err != nil {
		t.Fatal(err)
	}
	if _, err := c.RemoveLibrary("nope", 0); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("remove library: %v", err)
	}
	lib := model.BuiltinLibrary()
	lib.Name, lib.Threats = "Team", lib.Threats[:1]
	lib.Threats[0].Title = "Leaky logs"
	if v, err := c.AddLibrary(lib, t0); err != nil || v != 1 {
		t.Fatalf("add library %d %v", v, err)
	}
	if infos, err := c.Libraries(); err != nil || len(infos) != 1 || !infos[0].Added.Equal(t0) {
		t.Errorf("libraries %+v %v", infos, err)
	}
	if libs, err := c.ActiveLibraries(); err != nil || len(libs) != 1 || libs[0].Threats[0].Title != "Leaky logs" {
		t.Errorf("active libraries %+v %v", libs, err)
	}
	got, _ := c.Load(id)
	want, _ := h.Load(id)
	sameModel(t, "the client", got, want)
}

func TestWrongVersionRefused(t *testing.T) {
	var logged []string
	h, _ := newHost(t)
	h.opts.Log = func(s string) { logged = append(logged, s) }
	old := protocolVersion
	protocolVersion = ProtocolVersion + 1
	defer func() { protocolVersion = old }()
	_, err := Dial(h.Path(), DialOptions{})
	var re *RefusedError
	if !errors.As(err, &re) || !strings.Contains(err.Error(), "run the same threatdeck version") {
		t.Fatalf("dial: %v", err)
	}
	if len(logged) != 1 || !strings.Contains(logged[0], "live protocol 2") {
		t.Errorf("host logged %q", logged)
	}
}

// TestOtherUserRefused: a peer whose uid is not the owner's is refused
// before anything else (the comparison is injected: the tests run as one
// user).
func TestOtherUserRefused(t *testing.T) {
	h, _ := newHost(t)
	h.allowUID = func(int) bool { return false }
	_, err := Dial(h.Path(), DialOptions{})
	if err == nil || !strings.Contains(err.Error(), "serves only the user who started it") {
		t.Fatalf("dial: %v", err)
	}
}

// TestBadPeersClosed: malformed, oversized and flooding connections are
// closed one by one while a joined member carries on.
func TestBadPeersClosed(t *testing.T) {
	h, id := newHost(t)
	if h.maxMessage < 2*export.MaxJSONBytes {
		t.Fatalf("the bound %d is below what an import may need", h.maxMessage)
	}
	h.maxMessage = 4 << 20 // the same code path, sent quickly
	good := dial(t, h, DialOptions{Join: true, Name: "good"})
	hello := `{"op":"hello","id":1,"v":1}`
	check := func() {
		t.Helper()
		if _, err := good.List(); err != nil {
			t.Fatalf("the good member lost its session: %v", err)
		}
	}

	bad := rawDial(t, h)
	bad.send(t, hello)
	if f, err := bad.recv(t); err != nil || f.Err != nil {
		t.Fatal(f, err)
	}
	bad.send(t, `{"op":"list",`)
	bad.closedAfter(t, "malformed message")
	check()

	big := rawDial(t, h)
	big.send(t, hello)
	big.recv(t)
	go func() {
		chunk := []byte(`{"op":"create","id":2,"body":"` + strings.Repeat("x", 1<<20))
		for sent := 0; sent <= h.maxMessage; sent += len(chunk) {
			if _, err := big.Write(chunk); err != nil {
				return
			}
		}
	}()
	big.closedAfter(t, "message over")
	check()

	flood := rawDial(t, h)
	flood.send(t, hello)
	flood.recv(t)
	var wg sync.WaitGroup
	wg.Go(func() {
		line := []byte(`{"op":"position","id":3}` + "\n")
		for range 5 * requestBurst {
			if _, err := flood.Write(line); err != nil {
				return
			}
		}
	})
	var err error
	var f frame
	for err == nil && (f.Err == nil) {
		f, err = flood.recv(t)
	}
	wg.Wait()
	if f.Err == nil || !strings.Contains(f.Err.Text, "too many requests") {
		t.Fatalf("flood: %+v %v", f, err)
	}
	check()

	noHello := rawDial(t, h)
	noHello.send(t, `{"op":"list","id":1}`)
	noHello.closedAfter(t, "must be a hello")

	// The good member still edits and hears about it.
	m, _ := good.Load(id)
	ch, _ := m.PutAsset(model.Asset{Name: "still here"}, t0)
	if err := good.Commit(id, ch.Do); err != nil {
		t.Fatal(err)
	}
	next(t, good.Events(), model.EventEdit)
}

// TestClientSeesHostGo: a host that stops tells a joined client, whose
// calls then fail with a clear error.
func TestClientSeesHostGo(t *testing.T) {
	h, _ := newHost(t)
	c := dial(t, h, DialOptions{Join: true, Name: "carol"})
	h.Close()
	if ev := next(t, c.Events(), model.EventClosed); !strings.Contains(ev.Text, "ended") {
		t.Errorf("closed %q", ev.Text)
	}
	_, err := c.List()
	if !errors.Is(err, ErrClosed) || !strings.Contains(err.Error(), "went away") {
		t.Errorf("list after the host went: %v", err)
	}
}

func TestMalformedEditRefused(t *testing.T) {
	h, id := newHost(t)
	c := rawDial(t, h)
	c.send(t, `{"op":"hello","id":1,"v":1}`)
	c.recv(t)
	body, _ := json.Marshal(commitRequest{ModelID: id, Edit: wireEdit{Records: []wireRecord{{Kind: "threat", ID: "T-1", Value: json.RawMessage(`"not a threat"`)}}}})
	line, _ := json.Marshal(frame{Op: opCommit, ID: 2, Body: body})
	c.send(t, string(line))
	f, err := c.recv(t)
	if err != nil || f.Err == nil || !strings.Contains(f.Err.Text, "malformed threat record") {
		t.Fatalf("got %+v %v", f, err)
	}
	// A bad request is the request's error; the connection stays.
	c.send(t, `{"op":"list","id":3}`)
	if f, err := c.recv(t); err != nil || f.Err != nil {
		t.Fatalf("after a bad edit: %+v %v", f, err)
	}
}

// TestSocketRoles: a peer may join as an observer, never as facilitator.
func TestSocketRoles(t *testing.T) {
	h, id := newHost(t)
	for role, want := range map[model.Role]model.Role{
		model.RoleObserver: model.RoleObserver, model.RoleFacilitator: model.RoleParticipant, "": model.RoleParticipant,
	} {
		c := dial(t, h, DialOptions{Join: true, Name: "x", Role: role})
		if c.Me().Role != want {
			t.Errorf("asked for %q, joined as %q", role, c.Me().Role)
		}
	}
	o := dial(t, h, DialOptions{Join: true, Name: "olga", Role: model.RoleObserver})
	m, _ := o.Load(id)
	ch, _ := m.PutAsset(model.Asset{Name: "nope"}, t0)
	if err := o.Commit(id, ch.Do); err == nil || err.Error() != errObserver.Error() {
		t.Errorf("an observer's asset over the socket: %v", err)
	}
}

// TestHistoryThroughSocket: a model's history is read by the host for a
// client over the socket (threatdeck log, a participant's History view),
// the same entries an in-process member gets.
func TestHistoryThroughSocket(t *testing.T) {
	h, id := newHost(t)
	member := join(t, h, "host", model.RoleFacilitator)
	c := dial(t, h, DialOptions{Join: true, Name: "carol"})
	m, err := c.Load(id)
	if err != nil {
		t.Fatal(err)
	}
	ch, _ := m.PutThreat(threat("logged"), t0)
	if err := c.Commit(id, ch.Do); err != nil {
		t.Fatal(err)
	}
	got, err := c.History(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	want, err := member.History(id, 0)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) == 0 || got[0].By != "carol" || got[0].Label != "Added threat T-001" || !reflect.DeepEqual(got, want) {
		t.Fatalf("history over the socket %+v, in-process %+v", got, want)
	}
	if _, err := c.History("99", 0); err == nil {
		t.Error("the history of a missing model was read")
	}
}

// TestSocketInTheWay: a file that is not a socket where the socket goes is
// left alone, and hosting says why it cannot start.
func TestSocketInTheWay(t *testing.T) {
	db := t.TempDir() + "/wb.db"
	if err := os.WriteFile(db+".sock", []byte("mine"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(db, Options{}); err == nil || !strings.Contains(err.Error(), "is not a socket; move it away") {
		t.Fatalf("open: %v", err)
	}
	if data, _ := os.ReadFile(db + ".sock"); string(data) != "mine" {
		t.Error("the file in the way was changed")
	}
	// The workbook was released: a host starts once the file is gone.
	os.Remove(db + ".sock")
	h, err := Open(db, Options{})
	if err != nil {
		t.Fatal(err)
	}
	h.Close()
}
