package store

import (
	"bytes"
	"errors"
	"testing"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// A position with views, the timer and presenter mode survives a reopen,
// the same in the model's record and in the last-place record.
func TestPositionKeepsViewsTimerAndPresenter(t *testing.T) {
	s := newStore(t)
	id, err := s.Create(mustNew(t, "A", ""))
	if err != nil {
		t.Fatal(err)
	}
	p := model.Position{ModelID: id, Step: "threats", Item: "T-002", Presenter: true,
		Views: map[string]model.PageView{
			"threats": {Sort: "id", Reverse: true, Filter: "card to", Facets: map[string]string{"asset": "AS-001", "overdue": "true"}, Detail: "T-002"},
			"actors":  {Filter: "support"},
		},
		Timer: &model.TimerState{Running: true, Since: t0, Total: 5 * time.Minute,
			Steps: map[string]time.Duration{"overview": 3 * time.Minute, "assets": 2 * time.Minute},
			Boxes: map[string]time.Duration{"assets": 15 * time.Minute, "review": 0}},
	}
	if err := s.SetPosition(p); err != nil {
		t.Fatal(err)
	}
	s = reopenStore(t, s)
	for name, get := range map[string]func() (model.Position, error){
		"model": func() (model.Position, error) { return s.ModelPosition(id) },
		"last":  s.Position,
	} {
		got, err := get()
		if err != nil || !got.Equal(p) {
			t.Errorf("%s: %+v, %v\nwant %+v", name, got, err, p)
		}
	}
}

// Records written by an older version (no views, timer or presenter) and
// by a newer one (fields this one does not know) both decode; what a
// position cannot mean (negative times, empty views) is dropped.
func TestPositionDecodesOldNewerAndOddRecords(t *testing.T) {
	s := newStore(t)
	id, err := s.Create(mustNew(t, "A", ""))
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		name, raw string
		want      model.Position
	}{
		{"old", `{"model_id":"` + id + `","step":"assets","item":"AS-001"}`,
			model.Position{ModelID: id, Step: "assets", Item: "AS-001"}},
		{"newer", `{"model_id":"` + id + `","step":"threats","layout":"split","views":{"threats":{"sort":"title","pinned":["T-1"]}},"timer":{"total":60000000000,"laps":[1]}}`,
			model.Position{ModelID: id, Step: "threats", Views: map[string]model.PageView{"threats": {Sort: "title"}}, Timer: &model.TimerState{Total: time.Minute}}},
		{"odd", `{"model_id":"` + id + `","views":{"actors":{},"":{"filter":"x"}},"timer":{"total":-5,"steps":{"assets":-1,"review":7},"boxes":{"assets":-3}}}`,
			model.Position{ModelID: id, Timer: &model.TimerState{Steps: map[string]time.Duration{"review": 7}}}},
		{"not json", `{"model_id":`, model.Position{ModelID: id}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := s.update(func(tx *bolt.Tx) error {
				return putValue(modelBucket(tx, id), []byte(id), keyPosition, []byte(c.raw))
			})
			if err != nil {
				t.Fatal(err)
			}
			got, err := s.ModelPosition(id)
			if err != nil || !got.Equal(c.want) {
				t.Errorf("got %+v, %v\nwant %+v", got, err, c.want)
			}
		})
	}
}

// The position is sealed like every record: one whose bytes were changed
// behind the store's back is not used (and does not make the model
// unreadable).
func TestPositionIsSealed(t *testing.T) {
	s := newStore(t)
	id, err := s.Create(mustNew(t, "A", ""))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SetPosition(model.Position{ModelID: id, Step: "assets", Presenter: true}); err != nil {
		t.Fatal(err)
	}
	err = s.update(func(tx *bolt.Tx) error {
		b := modelBucket(tx, id)
		raw := append([]byte(nil), b.Get(keyPosition)...)
		if !isSealed(b) || len(raw) == 0 {
			return errors.New("the position record is not sealed")
		}
		// Still valid JSON ("bssets"): only the seal can tell.
		i := bytes.Index(raw, []byte(`"assets"`))
		if i < 0 {
			return errors.New("the position record does not hold its step")
		}
		raw[i+1] ^= 3
		return b.Put(keyPosition, raw)
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.ModelPosition(id)
	if err != nil || !got.Equal(model.Position{ModelID: id}) {
		t.Errorf("tampered position gave %+v, %v", got, err)
	}
	if _, err := s.Load(id); err != nil {
		t.Errorf("the model no longer loads: %v", err)
	}
}

// reopenStore closes s and opens its file again, as the next start would.
func reopenStore(t *testing.T, s *Store) *Store {
	t.Helper()
	path := s.Path()
	s.Close()
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}
