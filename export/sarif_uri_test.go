package export

import (
	"net/url"
	"testing"
)

func TestSARIFURI(t *testing.T) {
	for in, want := range map[string]string{
		"docs/threat-model.json":   "docs/threat-model.json",
		"my models/v1 #2.json":     "my%20models/v1%20%232.json",
		"100%.json":                "100%25.json",
		"c:odd.json":               "c%3Aodd.json",
		"/srv/models/ümlaut?.json": "file:///srv/models/%C3%BCmlaut%3F.json",
	} {
		got := sarifURI(in)
		if got != want {
			t.Errorf("sarifURI(%q) = %q, want %q", in, got, want)
		}
		if _, err := url.Parse(got); err != nil {
			t.Errorf("%q is not a URI reference: %v", got, err)
		}
	}
}
