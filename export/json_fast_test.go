package export

import (
	"bytes"
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// strictParts is what ParseJSON's general path decodes a document into.
func strictParts(data []byte) (*parts, string, error) {
	var env struct {
		Schema string `json:"schema"`
		Model  *parts `json:"model"`
	}
	err := decodeStrict(data, &env)
	return env.Model, env.Schema, err
}

// checkFastParts fails unless fastParts, whenever it takes a document,
// gives exactly what decodeStrict gives, for a document within the depth
// limit, with its texts copied and read in place alike.
func checkFastParts(t *testing.T, data []byte) bool {
	t.Helper()
	pt, schema, ok := fastParts(data, false)
	inPlace, inPlaceSchema, inPlaceOK := fastParts(data, true)
	if inPlaceOK != ok || inPlaceSchema != schema || !reflect.DeepEqual(inPlace, pt) {
		t.Fatalf("fast path read in place (%v) differs from copying (%v):\n%.300s", inPlaceOK, ok, data)
	}
	if !ok {
		return false
	}
	want, wantSchema, err := strictParts(data)
	if err != nil {
		t.Fatalf("fast path took a document encoding/json refuses (%v):\n%.300s", err, data)
	}
	if at := tooDeep(data, MaxJSONDepth); at >= 0 {
		t.Fatalf("fast path took a document nested too deep at %d", at)
	}
	if schema != wantSchema || !reflect.DeepEqual(pt, want) {
		t.Fatalf("fast path decoded differently:\n got %+v\nwant %+v", pt, want)
	}
	return true
}

func TestFastPartsAgreesWithEncodingJSON(t *testing.T) {
	doc := func(m *model.Model) []byte {
		data, err := JSON(m)
		if err != nil {
			t.Fatal(err)
		}
		return data
	}
	everything := doc(everythingModel())
	cases := []struct {
		name string
		data []byte
		fast bool // whether the fast path is expected to take it
	}{
		{"example", doc(model.Example(model.ExampleDate)), true},
		{"everything", everything, true},
		{"big", doc(bigModel(200, 20, 10)), true},
		{"compact", compactJSON(t, everything), true},
		{"overview key in another case", bytes.Replace(everything, []byte(`"title": "`), []byte(`"Title": "`), 1), true},
		{"model key in another case", bytes.Replace(everything, []byte(`"assets": `), []byte(`"Assets": `), 1), false},
		{"threat key in another case", bytes.Replace(everything, []byte(`"likelihood"`), []byte(`"Likelihood"`), 1), true},
		{"unknown threat key", bytes.Replace(everything, []byte(`"likelihood"`), []byte(`"likelihoods"`), 1), false},
		{"duplicate threat key", bytes.Replace(everything, []byte(`"vector": `), []byte(`"title": "again", "vector": `), 1), true},
		{"duplicate model key", bytes.Replace(everything, []byte(`"assets": `), []byte(`"actors": [], "assets": `), 1), false},
		{"string for a number", bytes.Replace(everything, []byte(`"impact": 1`), []byte(`"impact": "1"`), 1), false},
		{"fraction", bytes.Replace(everything, []byte(`"impact": 1`), []byte(`"impact": 1.0`), 1), false},
		{"null list", bytes.Replace(everything, []byte(`"owasp": []`), []byte(`"owasp": null`), 1), true},
		{"null threats", []byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x"},"threats":null}}`), true},
		{"null model", []byte(`{"schema":"threatdeck/1","model":null}`), false},
		{"no model", []byte(`{"schema":"threatdeck/1"}`), false},
		{"trailing data", append(bytes.Clone(everything), '1'), false},
		{"escapes", []byte(`{"schema":"threatdeck\/1","model":{"overview":{"title":"x"},"threats":[{"title":"a\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00","category":"S"}]}}`), true},
		{"lone surrogate", []byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x"},"threats":[{"title":"\ud83d","category":"S"}]}}`), true},
		{"invalid UTF-8", []byte("{\"schema\":\"threatdeck/1\",\"model\":{\"overview\":{\"title\":\"x\"},\"threats\":[{\"title\":\"\xff\",\"category\":\"S\"}]}}"), true},
		{"too deep", []byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x"},"extensions":{"t":` + strings.Repeat("[", 70) + strings.Repeat("]", 70) + `}}}`), false},
		{"other schema", bytes.Replace(everything, []byte(Schema), []byte("threatdeck/9"), 1), true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			if got := checkFastParts(t, c.data); got != c.fast {
				t.Errorf("fast path took it: %v, want %v", got, c.fast)
			}
		})
	}
}

func compactJSON(t *testing.T, data []byte) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := json.Compact(&b, data); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// FuzzFastParts: whatever the fast path takes, encoding/json decodes to
// the same parts.
func FuzzFastParts(f *testing.F) {
	for _, m := range []*model.Model{model.Example(model.ExampleDate), everythingModel()} {
		data, err := JSON(m)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x"},"threats":[{"title":"t","category":"S","likelihood":-0,"mitigations":[{"description":"m","created_at":"2024-01-15T00:00:00Z"}]}]}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		checkFastParts(t, data)
	})
}
