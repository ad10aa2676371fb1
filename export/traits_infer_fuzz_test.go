package export_test

import (
	"testing"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// FuzzImportedTraits: whatever a Threat Dragon cell or OTM component says
// about itself, import never panics and only known traits come out.
func FuzzImportedTraits(f *testing.F) {
	f.Add(`{"summary":{"title":"W"},"detail":{"diagrams":[{"cells":[{"id":"a","shape":"process","data":{"type":"tm.Process","name":"P","isWebApplication":true,"outOfScope":"yes","protocol":"HTTP/S MQTT"}}]}]}}`)
	f.Add(`{"otmVersion":"0.2.0","project":{"name":"P","id":"p"},"components":[{"id":"c","name":"C","type":"CD-AWS-LAMBDA-K8S","tags":["graphql",7,null],"parent":{"trustZone":"z"}}],"trustZones":[{"id":"z","name":"Z","risk":{"trustRating":50}}]}`)
	f.Fuzz(func(t *testing.T, doc string) {
		m, err := export.Import([]byte(doc), "fuzz.json")
		if err != nil {
			return
		}
		for _, e := range m.Surface {
			for _, tr := range e.Traits {
				if !tr.Valid() {
					t.Fatalf("unknown trait %q on %s", tr, e.Name)
				}
			}
			if e.Exposure != "" && !e.Exposure.Valid() || e.Callers != "" && !e.Callers.Valid() {
				t.Fatalf("bad profile %+v", e)
			}
		}
		_ = model.Suggest(m)
	})
}
