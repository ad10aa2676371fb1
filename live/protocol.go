package live

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"time"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// ProtocolVersion is the version of the socket protocol. A host refuses a
// client that speaks another one, and a client a host that does.
const ProtocolVersion = 1

// MaxMessageBytes bounds one frame on the socket. A frame may carry a whole
// model (an import of up to export.MaxJSONBytes, or a large model loaded
// for export), and its JSON can be somewhat larger than the file it came
// from, hence the margin.
const MaxMessageBytes = 2*export.MaxJSONBytes + 1<<20

// maxHelloBytes bounds the first frame, read before the peer is known.
const maxHelloBytes = 64 << 10

// Operations a client may ask of the host.
const (
	opHello         = "hello"
	opList          = "list"
	opFind          = "find"
	opLoad          = "load"
	opCreate        = "create"
	opCommit        = "commit"
	opDelete        = "delete"
	opPosition      = "position"
	opSetPosition   = "set_position"
	opModelPosition = "model_position"
	opAnnounce      = "announce"
	opBackup        = "backup"
	opLibraries     = "libraries"
	opActiveLibs    = "active_libraries"
	opAddLibrary    = "add_library"
	opRemoveLibrary = "remove_library"
	opHistory       = "history"
)

// frame is one line on the socket. A request has Op and ID; its reply the
// same ID with Body or Err; an event has Event and no ID.
type frame struct {
	Op    string          `json:"op,omitempty"`
	ID    uint64          `json:"id,omitempty"`
	V     int             `json:"v,omitempty"`
	Body  json.RawMessage `json:"body,omitempty"`
	Err   *wireError      `json:"err,omitempty"`
	Event *wireEvent      `json:"event,omitempty"`
}

type helloRequest struct {
	// Join makes the connection a member of the live session, receiving
	// events; a CLI command only asks questions.
	Join bool       `json:"join,omitempty"`
	Name string     `json:"name,omitempty"`
	Role model.Role `json:"role,omitempty"`
}

type helloReply struct {
	// Path is the workbook's absolute path, as the host opened it.
	Path string            `json:"path"`
	Me   model.Participant `json:"me"`
}

type refRequest struct {
	Ref string `json:"ref"`
}

type modelReply struct {
	ID    string       `json:"id"`
	Model *model.Model `json:"model"`
}

type commitRequest struct {
	ModelID string   `json:"model_id"`
	Edit    wireEdit `json:"edit"`
}

type addLibraryRequest struct {
	Library model.Library `json:"library"`
	Now     time.Time     `json:"now"`
}

type removeLibraryRequest struct {
	Name    string `json:"name"`
	Version int    `json:"version"`
}

// wireRecord is a model.Record whose Value travels as JSON and is decoded
// by its kind on arrival.
type wireRecord struct {
	Kind  model.RecordKind `json:"kind"`
	ID    string           `json:"id,omitempty"`
	Value json.RawMessage  `json:"value"`
}

type wireEdit struct {
	Label   string       `json:"label,omitempty"`
	Records []wireRecord `json:"records"`
	By      string       `json:"by,omitempty"`
	At      time.Time    `json:"at,omitzero"`
}

// wireEvent is a model.LiveEvent whose edit is a wireEdit (the shallower
// Edit field wins in encoding/json).
type wireEvent struct {
	model.LiveEvent
	Edit *wireEdit `json:"edit,omitempty"`
}

// errTooBig reports a frame over its bound.
var errTooBig = errors.New("message too large")

// readFrame reads one newline-terminated frame of at most limit bytes. It
// fails as soon as more than limit bytes arrive without a newline, rather
// than waiting for the rest of an oversized frame.
func readFrame(r *bufio.Reader, limit int) ([]byte, error) {
	var buf []byte
	for {
		if r.Buffered() == 0 {
			if _, err := r.Peek(1); err != nil {
				if errors.Is(err, io.EOF) && len(buf) > 0 {
					return nil, io.ErrUnexpectedEOF
				}
				return nil, err
			}
		}
		b, _ := r.Peek(r.Buffered())
		n, done := len(b), false
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			n, done = i+1, true
		}
		if len(buf)+n > limit {
			return nil, errTooBig
		}
		buf = append(buf, b[:n]...)
		_, _ = r.Discard(n)
		if done {
			return buf, nil
		}
	}
}

// decodeFrame parses one frame.
func decodeFrame(line []byte) (frame, error) {
	var f frame
	if err := json.Unmarshal(line, &f); err != nil {
		return frame{}, fmt.Errorf("malformed message: %w", err)
	}
	return f, nil
}

// splitReply reads a plain reply as encodeFrame writes it,
// {"id":N,"body":…}, without decoding the body: a reply may hold a whole
// model, which its caller decodes once into its own type rather than
// scanning it here first. ok is false for any other frame.
func splitReply(line []byte) (id uint64, body []byte, ok bool) {
	rest, found := bytes.CutPrefix(line, []byte(`{"id":`))
	if !found {
		return 0, nil, false
	}
	n := 0
	for n < len(rest) && n < 20 && rest[n] >= '0' && rest[n] <= '9' {
		id = id*10 + uint64(rest[n]-'0')
		n++
	}
	rest, found = bytes.CutPrefix(rest[n:], []byte(`,"body":`))
	if n == 0 || !found {
		return 0, nil, false
	}
	body, found = bytes.CutSuffix(bytes.TrimRight(rest, "\r\n"), []byte("}"))
	if !found || len(body) == 0 {
		return 0, nil, false
	}
	return id, body, true
}

// encodeFrame renders a frame as one line. The body, already JSON from
// json.Marshal, is spliced in rather than encoded again: encoding/json
// would validate and compact every byte of a whole model a second time.
func encodeFrame(f frame) ([]byte, error) {
	body := f.Body
	f.Body = nil
	data, err := json.Marshal(f)
	if err != nil {
		return nil, err
	}
	if len(body) == 0 {
		return append(data, '\n'), nil
	}
	out := make([]byte, 0, len(data)+len(body)+10)
	out = append(out, data[:len(data)-1]...)
	if len(data) > 2 {
		out = append(out, ',')
	}
	out = append(out, `"body":`...)
	out = append(out, body...)
	return append(out, '}', '\n'), nil
}

func toWireEdit(e model.Edit) (wireEdit, error) {
	w := wireEdit{Label: e.Label, By: e.By, At: e.At, Records: make([]wireRecord, 0, len(e.Records))}
	for _, r := range e.Records {
		v, err := json.Marshal(r.Value)
		if err != nil {
			return wireEdit{}, fmt.Errorf("cannot send the change: %w", err)
		}
		w.Records = append(w.Records, wireRecord{Kind: r.Kind, ID: r.ID, Value: v})
	}
	return w, nil
}

func fromWireEdit(w wireEdit) (model.Edit, error) {
	e := model.Edit{Label: w.Label, By: w.By, At: w.At, Records: make([]model.Record, 0, len(w.Records))}
	for _, r := range w.Records {
		rec := model.Record{Kind: r.Kind, ID: r.ID}
		if len(r.Value) > 0 && string(r.Value) != "null" {
			v, err := model.NewRecordValue(r.Kind)
			if err != nil {
				return model.Edit{}, err
			}
			if err := json.Unmarshal(r.Value, v); err != nil {
				return model.Edit{}, fmt.Errorf("malformed %s record %q: %w", r.Kind, r.ID, err)
			}
			rec.Value = plain(v)
		}
		e.Records = append(e.Records, rec)
	}
	return e, nil
}

// plain turns the pointer NewRecordValue returns into the value the model
// mutators put in records, so every record in the host has one shape.
func plain(v any) any {
	rv := reflect.ValueOf(v)
	if rv.Kind() == reflect.Pointer && !rv.IsNil() {
		return rv.Elem().Interface()
	}
	return v
}

func toWireEvent(ev model.LiveEvent) (*wireEvent, error) {
	w := &wireEvent{LiveEvent: ev}
	w.LiveEvent.Edit = nil
	if ev.Edit != nil {
		we, err := toWireEdit(*ev.Edit)
		if err != nil {
			return nil, err
		}
		w.Edit = &we
	}
	return w, nil
}

func fromWireEvent(w *wireEvent) (model.LiveEvent, error) {
	ev := w.LiveEvent
	ev.Edit = nil
	if w.Edit != nil {
		e, err := fromWireEdit(*w.Edit)
		if err != nil {
			return model.LiveEvent{}, err
		}
		ev.Edit = &e
	}
	return ev, nil
}
