package export_test

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// interopNow is the fixed clock for interop tests.
var interopNow = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)

// interopFile reads a sample from testdata/interop (copies of
// ../shared/interop, see its README).
func interopFile(t testing.TB, rel string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "testdata", "interop", rel))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// interopTree decodes JSON into a generic tree, numbers kept exact; the
// tests count what a file holds from this, independently of the importers.
func interopTree(t testing.TB, data []byte) any {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		t.Fatal(err)
	}
	return v
}

// obj and arr walk a generic tree without ceremony (nil when absent).
func obj(v any, keys ...string) map[string]any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	m, _ := v.(map[string]any)
	return m
}

func arr(v any, keys ...string) []any {
	for _, k := range keys {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	a, _ := v.([]any)
	return a
}

func str(v any, key string) string {
	m, _ := v.(map[string]any)
	s, _ := m[key].(string)
	return s
}

// interopSchema compiles one of the sample schemas with a real JSON Schema
// validator. Threat Dragon's schema marks some strings "nullable": true,
// the OpenAPI keyword Threat Dragon's own validator (ajv) honours and
// Threat Dragon itself writes null for; a standard validator ignores the
// keyword, so the test applies its meaning: such a string may be null.
func interopSchema(t testing.TB, rel string) *jsonschema.Schema {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(interopFile(t, rel)))
	if err != nil {
		t.Fatal(err)
	}
	applyNullable(doc)
	c := jsonschema.NewCompiler()
	url := "file:///" + strings.ReplaceAll(rel, "/", "_")
	if err := c.AddResource(url, doc); err != nil {
		t.Fatal(err)
	}
	s, err := c.Compile(url)
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func applyNullable(v any) {
	switch x := v.(type) {
	case map[string]any:
		if x["nullable"] == true {
			if typ, ok := x["type"].(string); ok {
				x["type"] = []any{typ, "null"}
			}
		}
		for _, c := range x {
			applyNullable(c)
		}
	case []any:
		for _, c := range x {
			applyNullable(c)
		}
	}
}

// mustValidate fails the test with the validator's report if data does
// not satisfy the schema.
func mustValidate(t testing.TB, s *jsonschema.Schema, data []byte) {
	t.Helper()
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	if err := s.Validate(doc); err != nil {
		t.Fatalf("export does not validate against its schema:\n%v", err)
	}
}
