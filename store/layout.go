package store

import "github.com/threatdeck/threatdeck/model"

// SchemaVersion is the workbook layout this build writes. Bump it, and add a
// step to migrations, whenever the bucket layout or a record encoding changes.
const SchemaVersion = 3

// appName marks a workbook as ours: another program's bbolt file may well
// have a "meta" bucket with a "schema" key of its own.
const appName = "threatdeck"

// Bucket and key names. They are part of the file format: never rename one
// without a migration.
var (
	bucketMeta   = []byte("meta")
	bucketModels = []byte("models")
	// bucketStaging holds models being created in stages (stage.go): one
	// sub-bucket per Create under way, named by stagingSeq, each holding
	// one bucket per record kind. It exists only while one is.
	bucketStaging = []byte("staging")

	keyApp      = []byte("app")      // meta: appName
	keySchema   = []byte("schema")   // meta: decimal schema version, ≥ 1
	keyPosition = []byte("position") // meta: JSON model.Position (last place overall); model bucket: that model's last place

	// singletonKey holds the one record of a singleton kind (overview,
	// sections), whose model.Record ID is empty: bbolt refuses empty keys.
	singletonKey = []byte("value")
)

// singleton reports whether a record kind has exactly one record per model.
func singleton(k model.RecordKind) bool {
	return k == model.RecOverview || k == model.RecSections
}

// knownKind reports whether k is a record kind this build stores.
func knownKind(k model.RecordKind) bool {
	for _, x := range model.RecordKinds {
		if x == k {
			return true
		}
	}
	return false
}
