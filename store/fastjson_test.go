package store

import (
	"encoding/json"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// fullThreat sets every field of a threat, through reflection, so a field
// added to model.Threat later is covered without editing this test.
func fullThreat(t *testing.T) model.Threat {
	t.Helper()
	var th model.Threat
	fill(t, reflect.ValueOf(&th).Elem(), "x")
	return th
}

func fill(t *testing.T, v reflect.Value, s string) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		v.Set(reflect.ValueOf(time.Date(2025, 6, 2, 10, len(s)%60, 0, 0, time.UTC)))
		return
	}
	switch v.Kind() {
	case reflect.Pointer:
		v.Set(reflect.New(v.Type().Elem()))
		fill(t, v.Elem(), s)
	case reflect.String:
		v.SetString(s + " \"é\" \\ \n\t <tag> & \u2028 ✓")
	case reflect.Int:
		v.SetInt(4)
	case reflect.Slice:
		v.Set(reflect.MakeSlice(v.Type(), 2, 2))
		for i := range 2 {
			fill(t, v.Index(i), s+string(rune('a'+i)))
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(t, v.Field(i), s+v.Type().Field(i).Name)
		}
	default:
		t.Fatalf("decodeThreat does not know the field kind %s: teach it, and this test", v.Kind())
	}
}

// TestDecodeThreatCoversEveryField fails when model.Threat gains a field
// the fast decoder does not read: every load would silently fall back to
// encoding/json and be several times slower.
func TestDecodeThreatCoversEveryField(t *testing.T) {
	// Lists longer than the decoder's stack buffers spill to the heap.
	long := model.Threat{ID: "T-002"}
	for i := range 12 {
		long.Assets = append(long.Assets, model.FormatID(model.PrefixAsset, i))
	}
	for i := range 6 {
		long.Mitigations = append(long.Mitigations, model.Mitigation{ID: model.FormatID(model.PrefixMitigation, i), Description: "m"})
	}
	for _, th := range []model.Threat{fullThreat(t), {}, {ID: "T-001", Assets: []string{}, Mitigations: []model.Mitigation{}}, long} {
		data, err := json.Marshal(th)
		if err != nil {
			t.Fatal(err)
		}
		var got model.Threat
		if !decodeThreat(data, &got, newTexts()) {
			t.Fatalf("the fast path rejected json.Marshal output:\n%s", data)
		}
		if !reflect.DeepEqual(got, th) {
			t.Fatalf("decoded\n%+v\nwant\n%+v", got, th)
		}
	}
}

func TestDecodeThreatFallsBack(t *testing.T) {
	for _, in := range []string{
		`{"id":"T-1","Title":"case-insensitive field"}`,
		`{"id":"T-1","future_field":1}`,
		`{"id":"T-1","likelihood":3.0}`,
		`{"id":"T-1","likelihood":1e1}`,
		`{"id":"T-1","title":"bad \ud800 surrogate"}`,
		`{"id":"T-1","title":"raw` + "\xff" + `byte"}`,
		`{"id":null}`,
		`{"assets":["a",null]}`,
		`{"id":"T-1"} trailing`,
		`{"id":"T-1",}`,
		`[]`,
		``,
	} {
		var fast model.Threat
		if decodeThreat([]byte(in), &fast, nil) {
			t.Errorf("fast path accepted %q", in)
		}
		// Through the record decoder the result is encoding/json's.
		var got, want model.Threat
		errGot := newRecordDecoder().decode(model.RecThreat, []byte(in), &got)
		errWant := json.Unmarshal([]byte(in), &want)
		if (errGot == nil) != (errWant == nil) || !reflect.DeepEqual(got, want) {
			t.Errorf("%q: decoded %+v, %v; encoding/json %+v, %v", in, got, errGot, want, errWant)
		}
	}
}

// FuzzDecodeThreat checks the fast decoder against encoding/json: whatever
// it accepts, encoding/json accepts and decodes identically.
func FuzzDecodeThreat(f *testing.F) {
	m := richModel(f, "Fuzz")
	for _, th := range m.Threats {
		data, _ := json.Marshal(th)
		f.Add(data)
	}
	f.Add([]byte(`{"id":"T-1","title":"a\u00e9\ud83d\ude00\/\b\f\r","likelihood":-0,"assets":null,"mitigations":[{"id":"M-1"}]}`))
	f.Add([]byte(` { "likelihood" : 007 } `))
	// Attribution and a risk-poker decision (the fields the live session added).
	f.Add([]byte(`{"id":"T-2","created_by":"ann","created_at":"2025-06-02T10:00:00Z","updated_at":"2025-06-02T10:00:00.5+02:00",` +
		`"risk_vote":{"likelihood":3,"impact":4,"by":"fran","votes":[{"threat_id":"T-2","voter":"bob","round":1,"likelihood":2,"impact":5}]},` +
		`"mitigations":[{"id":"M-1","description":"d","updated_by":"bob"}]}`))
	f.Add([]byte(`{"risk_vote":null,"created_at":"not a time"}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var fast, std model.Threat
		if !decodeThreat(data, &fast, newTexts()) {
			return
		}
		if err := json.Unmarshal(data, &std); err != nil {
			t.Fatalf("fast path accepted what encoding/json rejects (%v): %q", err, data)
		}
		if !reflect.DeepEqual(fast, std) {
			t.Fatalf("decoders disagree on %q:\nfast %+v\n std %+v", data, fast, std)
		}
	})
}

// Strings handed out from a chunk stay intact as the chunk fills and new
// chunks start, and long strings get their own allocation.
func TestTextsCopy(t *testing.T) {
	tx := newTexts()
	var want, got []string
	for i := range 3000 {
		s := strings.Repeat(string(rune('a'+i%26)), i%97) + strconv.Itoa(i)
		if i%500 == 0 {
			s = strings.Repeat("long ", textChunk/4) // over textChunk/8
		}
		b := []byte(s)
		want = append(want, s)
		got = append(got, tx.copy(b))
		clear(b) // the copy must not share the caller's bytes
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("string %d changed: %.40q, want %.40q", i, got[i], want[i])
		}
	}
}
