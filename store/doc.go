// Package store keeps threat models in a workbook: one bbolt file holding
// many models. It is the only package that imports bbolt.
//
// # Bucket layout (schema version 2)
//
//	meta/                      workbook metadata
//	  app       = "threatdeck" marks the file as ours
//	  schema    = "2"          decimal schema version (SchemaVersion)
//	  position  = {JSON}       model.Position: where the user last was
//	  models    = "3"          how many model buckets there are
//	models/                    one bucket per model; the bucket's sequence issues ids
//	  1/                       a model; its id is the bucket name ("1", "2" …)
//	    position = {JSON}      model.Position last used in this model
//	    overview/  value = {JSON model.Overview}
//	    sections/  value = {JSON model.Sections}
//	    asset/     AS-001 = {JSON model.Asset} …
//	    actor/ surface/ threat/ check/ parking/   id → JSON of the record
//	    stride/    category ("spoofing" …) → JSON model.StrideReview
//	    dismissed/ library id → true
//	    extension/ tool → its raw JSON
//	    seq/       id prefix → last number issued
//	libraries/                 team threat libraries, versioned (see AddLibrary)
//	staging/                   only while a large model is created (stage.go)
//
// Each sub-bucket of a model is one model.RecordKind; keys are record ids
// and values the JSON of the record's value. Singleton kinds (overview,
// sections) use the fixed key "value", since their record id is empty and
// bbolt refuses empty keys. Schema 0, before releases, had no meta bucket;
// schema 1 had no checksums; opening either read-write migrates it (see
// migrations).
//
// Schema 2 seals the file (seal.go): every value ends with a CRC-32C of
// its bucket's name, key and value, and every bucket's sequence holds its
// entry count — except models and each library name's bucket, whose
// sequences issue ids (meta's "models" counts the former). Write through
// putValue, deleteValue, createBucket and deleteBucket, and read through
// getValue, so a new bucket or record kind is covered without more code.
//
// # Transactions
//
// Each model.Edit is committed in one write transaction (Commit), so an edit
// and its undo are each all-or-nothing on disk. Create writes every record
// of a new model in one transaction, or, for a model too large to write
// at once, in bounded chunks into a staging bucket that one last
// transaction moves into place (stage.go), so a model still appears
// whole or not at all; Load reads a model in one read
// transaction and rebuilds it through model.NewRecordValue, AppendRecord and
// Normalize. Records are marshalled before a write transaction begins, so
// the write lock is held only for the puts. Backup copies the file inside a
// read transaction, so it is consistent while the workbook is in use.
//
// # Safety
//
// Open takes the file's lock before anything else (another threatdeck
// holding it gives a *LockedError after the timeout), then checks the file
// by reading it before bbolt maps it: page bounds, page types, references,
// the free list, branch keys, every record's checksum and every bucket's
// entry count, and that every page below the high-water mark is in use or
// free. bbolt trusts its file and would panic, fault or recurse without end
// on some damage, and would initialise or rewrite parts of files that are
// not workbooks. Damage outside any model (and files that are not
// workbooks, or from a newer threatdeck) fails Open with a
// *CorruptError, *NotWorkbookError or *NewerSchemaError. Damage inside a
// model is contained: the workbook opens, List marks the model
// (model.Summary.Damage), the healthy models load, and Damaged returns the
// one *CorruptError every write is then refused with; bbolt itself maps
// the file read-only and never reads a damaged model's pages. Damage found
// later while reading is handled the same way. Salvage copies every record
// that verifies into a new workbook.
//
// Every transaction runs under guard, with faults turned into panics: a
// fault or a panic inside bbolt is damage; a panic in threatdeck's own code
// is an *InternalError, the transaction is rolled back (bbolt does that on
// a panic) and the Store stays usable. Nothing is logged.
package store
