package export

import (
	"bytes"
	"strings"
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// FuzzParseJSON: ParseJSON never panics, and whatever it accepts exports
// to a document that reads back to the same bytes and renders as Markdown.
// The seed corpus runs in go test.
func FuzzParseJSON(f *testing.F) {
	example, err := JSON(model.Example(model.ExampleDate))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(example)
	f.Add(encodeDoc(f, minimalDoc()))
	f.Add([]byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x"}}}`))
	f.Add([]byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x"},"threats":[{"title":"t","category":"S","mitigations":[{"description":"m"}]}],"extensions":{"td":{"a":[1,{"b":null}]}}}}`))
	f.Add([]byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"\u001b[31m<b>|x|</b>"},"surface":[{"id":"SE-1","name":"a","source":"SE-1"}]}}`))
	f.Add([]byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x","updated":"2024-01-15T00:00:00Z"},"threats":[{"title":"t","category":"S","treatment":"accept","rationale":"r\nok","decided_by":"Ana","review_by":"2024-06-30","mitigations":[{"description":"m","owner":"Bo","due":"2024-02-01","ticket":"https://x.org/a(1)"},{"description":"n","status":"wont-do","reason":"WAF"}]}],"dismissed":["L-1","L-2"],"dismissals":{"L-1":{"reason":"no uploads","at":"2024-01-15T00:00:00Z"}}}}`))
	f.Add([]byte(`{"schema":"threatdeck/2"}`))
	f.Add([]byte(`{"schema":"threatdeck/1","model":` + strings.Repeat(`[`, 70)))
	f.Add([]byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x"},"seq":{"T":99999999999999999999}}}`))
	f.Add([]byte(`{"schema":"threatdeck/1","model":{"overview":{"title":"x","created":"2024-13-01T00:00:00Z"}}}`))
	f.Add([]byte("\xef\xbb\xbf{}"))
	f.Add([]byte(`null`))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := ParseJSON(data)
		if err != nil {
			if m != nil {
				t.Fatal("a model came back with an error")
			}
			if err.Error() == "" {
				t.Fatal("empty error message")
			}
			return
		}
		first, err := JSON(m)
		if err != nil {
			t.Fatalf("accepted model does not export: %v", err)
		}
		back, err := ParseJSON(first)
		if err != nil {
			t.Fatalf("own export refused: %v\n%s", err, first)
		}
		second, err := JSON(back)
		if err != nil || !bytes.Equal(first, second) {
			t.Fatalf("export → import → export is not stable (%v)", err)
		}
		_ = Markdown(back)
	})
}
