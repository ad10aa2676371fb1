// Package store keeps threat models in a workbook: one bbolt file holding
// many models. It is the only package that imports bbolt.
//
// # Bucket layout (schema version 1)
//
//	meta/                      workbook metadata
//	  app       = "threatdeck" marks the file as ours
//	  schema    = "1"          decimal schema version (SchemaVersion)
//	  position  = {JSON}       model.Position: where the user last was
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
//
// Each sub-bucket of a model is one model.RecordKind; keys are record ids
// and values the JSON of the record's value. Singleton kinds (overview,
// sections) use the fixed key "value", since their record id is empty and
// bbolt refuses empty keys. Schema 0, before releases, had no meta bucket;
// opening it read-write migrates it (see migrations).
//
// # Transactions
//
// Each model.Edit is committed in one write transaction (Commit), so an edit
// and its undo are each all-or-nothing on disk. Create writes every record
// of a new model in one transaction; Load reads a model in one read
// transaction and rebuilds it through model.NewRecordValue, AppendRecord and
// Normalize. Records are marshalled before a write transaction begins, so
// the write lock is held only for the puts. Backup copies the file inside a
// read transaction, so it is consistent while the workbook is in use.
//
// # Safety
//
// Open takes the file's lock before anything else (another threatdeck
// holding it gives a *LockedError after the timeout), then checks the file
// structure by reading it (page bounds, page types, references, free list)
// before bbolt maps it: bbolt trusts its file and would panic, fault or
// recurse without end on some damage, and would initialise or rewrite
// parts of files that are not workbooks. Files that fail are reported as a
// *NotWorkbookError, *CorruptError or *NewerSchemaError and are never
// written. Every transaction also runs under recover with faults turned
// into panics, as a second line; after such a panic the Store refuses
// further work. Nothing is logged.
package store
