package live

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// fill sets every field reachable from v (recursively through structs,
// slices, maps and pointers) to something non-zero: two elements per
// slice, one entry per map, a value behind every pointer. A field of a
// new type is filled too, so the clone tests below cover it unasked.
func fill(v reflect.Value, depth int) {
	if depth > 8 {
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", depth))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(depth + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(depth + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(depth) + 0.5)
	case reflect.Struct:
		if v.Type().PkgPath() == "time" {
			return // unexported wall clock; zero is fine
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), depth+1)
			}
		}
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 2, 2)
		for i := range 2 {
			fill(s.Index(i), depth+1)
		}
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, depth+1)
		fill(e, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), depth+1)
		v.Set(p)
	case reflect.Interface:
		// Record values: set per kind by the tests.
	}
}

// shared reports the first path at which a and b (equal values) share
// memory a change through one would show through the other: a slice's
// backing array, a map or a pointee. Strings may be shared.
func shared(a, b reflect.Value, path string) string {
	switch a.Kind() {
	case reflect.Struct:
		for i := range a.NumField() {
			if a.Type().Field(i).IsExported() {
				if p := shared(a.Field(i), b.Field(i), path+"."+a.Type().Field(i).Name); p != "" {
					return p
				}
			}
		}
	case reflect.Slice:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for i := range a.Len() {
			if p := shared(a.Index(i), b.Index(i), fmt.Sprintf("%s[%d]", path, i)); p != "" {
				return p
			}
		}
	case reflect.Map:
		if a.Len() > 0 && a.Pointer() == b.Pointer() {
			return path
		}
		for _, k := range a.MapKeys() {
			if p := shared(a.MapIndex(k), b.MapIndex(k), fmt.Sprintf("%s[%v]", path, k)); p != "" {
				return p
			}
		}
	case reflect.Pointer:
		if !a.IsNil() && a.Pointer() == b.Pointer() {
			return path
		}
		if !a.IsNil() && !b.IsNil() {
			return shared(a.Elem(), b.Elem(), path)
		}
	case reflect.Interface:
		if !a.IsNil() && !b.IsNil() {
			return shared(a.Elem(), b.Elem(), path)
		}
	}
	return ""
}

// Every slice, map and pointer of a model, down through its records, is
// copied: a session changing its copy never touches the host's.
func TestCloneModelIsDeep(t *testing.T) {
	var m model.Model
	fill(reflect.ValueOf(&m).Elem(), 0)
	c := cloneModel(&m)
	if !reflect.DeepEqual(&m, c) {
		t.Fatalf("the clone differs from the model:\n%+v\n%+v", m, *c)
	}
	if p := shared(reflect.ValueOf(m), reflect.ValueOf(*c), "Model"); p != "" {
		t.Errorf("cloneModel shares %s with the model it copied", p)
	}
}

// cloneEdit copies every record value it carries as deeply, whatever its
// kind, passed plain or by pointer.
func TestCloneEditIsDeep(t *testing.T) {
	for _, k := range model.RecordKinds {
		ptr, err := model.NewRecordValue(k)
		if err != nil {
			t.Fatalf("%s: %v", k, err)
		}
		fill(reflect.ValueOf(ptr).Elem(), 0)
		for _, v := range []any{ptr, reflect.ValueOf(ptr).Elem().Interface()} {
			e := model.Edit{Records: []model.Record{{Kind: k, ID: "x", Value: v}}}
			c := cloneEdit(e)
			want := reflect.ValueOf(ptr).Elem().Interface()
			if !reflect.DeepEqual(c.Records[0].Value, want) {
				t.Fatalf("%s: the clone differs:\n%+v\n%+v", k, c.Records[0].Value, want)
			}
			if p := shared(reflect.ValueOf(want), reflect.ValueOf(c.Records[0].Value), string(k)); p != "" {
				t.Errorf("cloneEdit shares %s of a %s record", p, k)
			}
		}
	}
}
