package model

import (
	"reflect"
	"testing"
)

func TestExtend(t *testing.T) {
	for _, k := range RecordKinds {
		t.Run(string(k), func(t *testing.T) {
			m, _ := New("Extend", "", checkNow)
			want, _ := NewRecordValue(k)
			before := len(m.Records())
			at, ok := m.Extend(k, 2)
			switch k {
			case RecOverview, RecSections, RecDismissed, RecExtension, RecSeq:
				if ok || at != nil {
					t.Fatalf("%s is not a list, but Extend gave slots", k)
				}
				return
			}
			if !ok {
				t.Fatalf("%s is a list, but Extend gave no slots", k)
			}
			for i := range 2 {
				v := at(i)
				if reflect.TypeOf(v) != reflect.TypeOf(want) {
					t.Fatalf("slot %d is %T, want %T", i, v, want)
				}
				if !reflect.ValueOf(v).Elem().IsZero() {
					t.Errorf("slot %d is not zero: %+v", i, v)
				}
			}
			if got := len(m.Records()); got != before+2 {
				t.Errorf("model has %d records after Extend(2), want %d", got, before+2)
			}
		})
	}
}

// Slots are the list's own elements: what is decoded into them is in the
// model, after the records that were there before.
func TestExtendFillsTheListInPlace(t *testing.T) {
	m, _ := New("Extend", "", checkNow)
	m.Threats = []Threat{{ID: "T-001", Title: "kept"}}
	at, _ := m.Extend(RecThreat, 2)
	at(0).(*Threat).ID = "T-002"
	at(1).(*Threat).ID = "T-003"
	var ids []string
	for _, th := range m.Threats {
		ids = append(ids, th.ID)
	}
	if !reflect.DeepEqual(ids, []string{"T-001", "T-002", "T-003"}) || m.Threats[0].Title != "kept" {
		t.Errorf("threats after Extend: %+v", m.Threats)
	}
}
