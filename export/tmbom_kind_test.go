package export

import (
	"testing"

	"github.com/threatdeck/threatdeck/model"
)

// kindFor matches whole words, a longer key also at the start of a word,
// and two-word keys only as consecutive words; the first kind in its
// order wins.
func TestKindFor(t *testing.T) {
	tests := []struct {
		texts []string
		want  model.ElementKind
	}{
		{[]string{"CD-MICROSOFT-AZURE-DB-POSTGRESQL"}, model.KindDataStore},
		{[]string{"orders-db", "Orders"}, model.KindDataStore},
		{[]string{"postgresql15"}, model.KindDataStore},
		{[]string{"dbx"}, model.KindProcess}, // "db" is short: whole words only
		{[]string{"android-device-client"}, model.KindClient},
		{[]string{"My Web Service"}, model.KindAPI},     // "web-service" as two words
		{[]string{"web_services"}, model.KindAPI},       // … the second only begun
		{[]string{"cobweb service"}, model.KindProcess}, // "web" must be a whole word
		{[]string{"k8s", "Cluster"}, model.KindHost},
		{[]string{"element-1", "Element 1"}, model.KindProcess},
		{[]string{"auth-db"}, model.KindDataStore}, // stores are tried first
		{[]string{"Externals"}, model.KindThirdParty},
		{[]string{""}, model.KindProcess},
		{nil, model.KindProcess},
	}
	for _, tt := range tests {
		if got := kindFor(tt.texts...); got != tt.want {
			t.Errorf("kindFor(%q) = %s, want %s", tt.texts, got, tt.want)
		}
	}
}
