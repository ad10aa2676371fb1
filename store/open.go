package store

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	bolt "go.etcd.io/bbolt"
	berrors "go.etcd.io/bbolt/errors"
)

// Options tune Open.
type Options struct {
	// Timeout is how long to wait for another threatdeck to release the
	// workbook before giving up with a *LockedError (default 1s).
	Timeout time.Duration
	// ReadOnly opens an existing workbook for reading only: nothing is
	// created, migrated or written, and other readers may share the file.
	ReadOnly bool
	// User is the local user's name, recorded in a model's history for
	// edits whose Edit.By is "" (the local user).
	User string
}

// DefaultTimeout is the lock wait when Options.Timeout is zero.
const DefaultTimeout = time.Second

// deepCheckLimit bounds the full structural check at open: larger files get
// the top levels checked, and rely on guard for the rest. A workbook with
// 10,000 threats is about 15 MB, so this leaves ample room.
const deepCheckLimit = 512 << 20

// Store is an open workbook. Its methods are safe for concurrent use.
type Store struct {
	db       *bolt.DB
	path     string
	readOnly bool
	// checked is true when the open check verified every record's
	// checksum and every sealed count, and no other writer can have
	// changed the file since: deep-checked, under a lock taken before the
	// check (lockedBeforeCheck), shared when read-only and exclusive when
	// not. Loads then skip checking each record's checksum again (see
	// decodeBucket): what a writable store changes afterwards it wrote
	// itself, sealed. A 100,000-threat start checked every threat three
	// times (open, preview, load): 15-25 ms of the preview's 200 ms of CPU.
	checked bool
	user    string // Options.User
	// schema is the file's schema version (older than SchemaVersion only
	// when opened read-only: a writable open migrates).
	schema int

	// damage is what is known to be damaged; when anything is, nothing
	// more is written.
	damage    damage
	closeOnce sync.Once
	closeErr  error
}

// Open opens the workbook at path, creating it (directory 0700, file 0600)
// when the path does not exist or is an empty file. A workbook another
// threatdeck has open gives a *LockedError after opts.Timeout; a file that is
// not a workbook a *NotWorkbookError; a damaged one a *CorruptError; one from
// a newer threatdeck a *NewerSchemaError. In each of those cases the file is
// left byte for byte as it was.
func Open(path string, opts Options) (*Store, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if path == "" {
		return nil, errors.New("no workbook path given")
	}
	if abs, err := filepath.Abs(path); err == nil {
		path = abs
	}
	f, created, err := openFile(path, opts.ReadOnly)
	if err != nil {
		return nil, err
	}
	s, err := open(f, path, opts)
	if err != nil {
		f.Close() // bbolt may have closed it already; a second close is harmless
		created.undo(path)
		return nil, err
	}
	return s, nil
}

// creation is what openFile made, so that a workbook that could not be
// set up (a full disk, a permission) leaves nothing behind: no 0-byte or
// half-written file, no empty directories.
type creation struct {
	file  bool     // the file was created
	empty bool     // the file existed, empty
	dirs  []string // directories created, outermost first
}

func (c creation) undo(path string) {
	switch {
	case c.file:
		os.Remove(path)
	case c.empty:
		os.Truncate(path, 0)
	}
	for i := len(c.dirs) - 1; i >= 0; i-- {
		os.Remove(c.dirs[i]) // only removes it while empty
	}
}

// missingDirs lists the directories MkdirAll(dir) would create, outermost
// first.
func missingDirs(dir string) []string {
	var out []string
	for d := dir; ; d = filepath.Dir(d) {
		if _, err := os.Stat(d); err == nil || filepath.Dir(d) == d {
			break
		}
		out = append([]string{d}, out...)
	}
	return out
}

// openFile opens (or creates) the workbook file without letting anything
// else touch it.
func openFile(path string, readOnly bool) (*os.File, creation, error) {
	var c creation
	st, err := os.Stat(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && readOnly:
		return nil, c, &MissingError{Path: path}
	case errors.Is(err, fs.ErrNotExist):
		c.dirs = missingDirs(filepath.Dir(path))
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			c.undo(path)
			return nil, creation{}, fmt.Errorf("cannot create the workbook's directory %s: %w", filepath.Dir(path), unwrapPath(err))
		}
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return openFile(path, readOnly) // created meanwhile by another threatdeck
		}
		if err != nil {
			c.undo(path)
			return nil, creation{}, fmt.Errorf("cannot create workbook %s: %w", path, unwrapPath(err))
		}
		c.file = true
		return f, c, nil
	case err != nil:
		return nil, c, fmt.Errorf("cannot open workbook %s: %w", path, unwrapPath(err))
	case st.IsDir():
		return nil, c, &NotWorkbookError{Path: path, Reason: "it is a directory"}
	case !st.Mode().IsRegular():
		return nil, c, &NotWorkbookError{Path: path, Reason: "it is not a regular file"}
	}
	flag := os.O_RDWR
	if readOnly {
		flag = os.O_RDONLY
	}
	f, err := os.OpenFile(path, flag, 0)
	if err != nil {
		return nil, c, fmt.Errorf("cannot open workbook %s: %w", path, unwrapPath(err))
	}
	c.empty = st.Size() == 0 && !readOnly
	return f, c, nil
}

// unwrapPath drops the *fs.PathError wrapper, whose text repeats the path
// the message already names.
func unwrapPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

func open(f *os.File, path string, opts Options) (*Store, error) {
	if err := lockFile(f, !opts.ReadOnly, opts.Timeout); err != nil {
		if errors.Is(err, errLockBusy) {
			return nil, &LockedError{Path: path}
		}
		return nil, fmt.Errorf("cannot lock workbook %s: %w", path, err)
	}
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("cannot open workbook %s: %w", path, unwrapPath(err))
	}
	fresh, schema := st.Size() == 0, 0
	if fresh && opts.ReadOnly {
		return nil, &MissingError{Path: path}
	}
	var sum *fileSummary
	if !fresh {
		err := guard(path, func() (err error) {
			sum, err = inspect(f, st.Size(), st.Size() <= deepCheckLimit)
			return err
		})
		if err != nil {
			return nil, describe(path, err)
		}
		if fresh, schema, err = classify(path, sum); err != nil {
			return nil, err
		}
		sum.checkSeals(schema)
	}
	isDamaged := sum != nil && (len(sum.damage) > 0 || len(sum.damagedModels) > 0)

	// bbolt must lock and map the very descriptor that was locked and
	// inspected; later opens of the path (none today) get their own.
	var handed atomic.Bool
	bopts := &bolt.Options{
		Timeout: opts.Timeout,
		// A damaged file is opened read-only at bbolt's level too: a
		// second guarantee, under the Store's own refusal, that nothing
		// is written to it.
		ReadOnly: opts.ReadOnly || isDamaged,
		// See writeMapSize.
		InitialMmapSize: writeMapSize(st.Size(), opts.ReadOnly || isDamaged),
		OpenFile: func(name string, flag int, perm fs.FileMode) (*os.File, error) {
			if handed.CompareAndSwap(false, true) {
				return f, nil
			}
			return os.OpenFile(name, flag, perm)
		},
	}
	var db *bolt.DB
	err = guard(path, func() (err error) {
		db, err = bolt.Open(path, 0o600, bopts)
		return err
	})
	if err != nil {
		if errors.Is(err, berrors.ErrTimeout) {
			return nil, &LockedError{Path: path}
		}
		if fresh {
			return nil, fmt.Errorf("cannot create workbook %s: %w", path, rootCause(err))
		}
		return nil, describe(path, err)
	}
	if bopts.InitialMmapSize > 0 {
		db.AllocSize = growStep
	}
	s := &Store{db: db, path: path, readOnly: opts.ReadOnly, schema: schema, user: opts.User,
		checked: lockedBeforeCheck && sum != nil && st.Size() <= deepCheckLimit}
	if isDamaged {
		s.damage.fromSummary(path, sum)
	}
	switch {
	case fresh && opts.ReadOnly:
		err = &MissingError{Path: path}
	case fresh:
		if err = s.update(initLayout); err != nil {
			err = fmt.Errorf("cannot create workbook %s: %w", path, rootCause(err))
		}
		s.schema = SchemaVersion
	case schema < SchemaVersion && !opts.ReadOnly && !isDamaged:
		// A damaged file is never migrated: migrating writes it. Damage
		// the migration meets (it was rolled back) makes the file damaged
		// from now on, read as it is.
		err = s.migrate(schema)
		if dm, ok := errors.AsType[errDamaged](err); ok {
			s.damage.note(path, "", dm.detail)
			err = nil
		} else if err == nil {
			s.schema = SchemaVersion
		}
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	if !opts.ReadOnly && !fresh && s.damage.refusal() == nil {
		if sum.top[string(bucketStaging)] {
			// A staged create that did not finish (see bucketStaging).
			s.dropStaging()
		}
		// Models written by a threatdeck that kept no tallies, or a
		// migration, get theirs now, while the file is ours to write.
		s.refreshTallies()
	}
	return s, nil
}

// writeMapSize is the initial size of bbolt's map of a writable workbook,
// and growStep how much room bbolt then adds to the file whenever a
// commit needs more.
//
// bbolt maps a file as large as it is and maps it again, doubling, each
// time a write transaction grows it past that; every remap first copies
// out of the old map every record the transaction has touched. Creating
// a model of 10,000 threats in a new workbook remapped it about ten
// times, a quarter of an import. A map with room for the file to double
// (64 MiB at least) costs address space, not memory. But bbolt grows the
// file by its AllocSize past what a commit needs once the map is larger
// than that (16 MiB by default), and to the whole map below it: growStep
// keeps the file within 128 KiB of its pages, tighter than the doubling
// before. Read-only opens never grow the file; on Windows bbolt would
// grow the file itself to the map's size.
//
// On 64-bit systems the map has room for 1 GiB at least (the workbook of
// a 100,000-element import is 70-175 MB): a remap in the middle of a
// commit first copies every value the transaction put out of the old map,
// and the commit that wrote the 98 MB kept document of an import of
// 100,000 Threat Dragon cells held it three times over instead of twice.
func writeMapSize(size int64, readOnly bool) int {
	if readOnly || runtime.GOOS == "windows" {
		return 0
	}
	least := int64(64 << 20)
	if strconv.IntSize == 64 {
		least = 1 << 30
	}
	if 2*size > least && int64(int(2*size)) == 2*size {
		return int(2 * size)
	}
	return int(least)
}

const growStep = 128 << 10

// rootCause reduces a failed system call to its reason ("no space left on
// device"), without the temporary names or internal steps around it.
func rootCause(err error) error {
	var errno syscall.Errno
	if errors.As(err, &errno) {
		return errno
	}
	return unwrapPath(err)
}

// describe turns an inspection or bbolt error into one naming the file.
func describe(path string, err error) error {
	var nb errNotBolt
	var dm errDamaged
	switch {
	case errors.As(err, &nb):
		return &NotWorkbookError{Path: path, Reason: nb.reason}
	case errors.As(err, &dm):
		return &CorruptError{Path: path, Detail: dm.detail}
	case errors.Is(err, berrors.ErrInvalid), errors.Is(err, berrors.ErrVersionMismatch), errors.Is(err, berrors.ErrChecksum):
		return &CorruptError{Path: path, Detail: err.Error()}
	}
	var ce *CorruptError
	if errors.As(err, &ce) {
		return err
	}
	return fmt.Errorf("cannot open workbook %s: %w", path, unwrapPath(err))
}

// classify decides from a file's top level whether it is a workbook, and of
// which schema version. fresh is a bbolt file with nothing in it yet.
func classify(path string, sum *fileSummary) (fresh bool, schema int, err error) {
	if len(sum.top) == 0 {
		return true, 0, nil
	}
	foreign := func(reason string) (bool, int, error) {
		return false, 0, &NotWorkbookError{Path: path, Reason: reason}
	}
	isBucket, hasMeta := sum.top[string(bucketMeta)]
	if !hasMeta {
		// Schema 0 predates the meta bucket: only the models bucket.
		if len(sum.top) == 1 && sum.top[string(bucketModels)] && sum.modelsPlain == 0 {
			return false, 0, nil
		}
		return foreign("it is a bbolt database of another program")
	}
	if !isBucket || string(sum.meta[string(keyApp)]) != appName {
		return foreign("it is a bbolt database of another program")
	}
	v, err := parseSchema(sum.meta[string(keySchema)])
	if err != nil {
		return false, 0, &CorruptError{Path: path, Detail: err.Error()}
	}
	if v > SchemaVersion {
		return false, 0, &NewerSchemaError{Path: path, Found: v, Supported: SchemaVersion}
	}
	if !sum.top[string(bucketModels)] {
		return false, 0, &CorruptError{Path: path, Detail: "its models bucket is missing"}
	}
	return false, v, nil
}

// parseSchema reads a stored schema version: a decimal number, at least 1
// (versionless files are schema 0 and have no meta bucket at all).
func parseSchema(b []byte) (int, error) {
	if b == nil {
		return 0, errors.New("its schema version is missing")
	}
	v, err := strconv.Atoi(string(b))
	if err != nil || v < 1 || strconv.Itoa(v) != string(b) {
		return 0, fmt.Errorf("its schema version %q is not a version number", b)
	}
	return v, nil
}

// Path returns the workbook's absolute path.
func (s *Store) Path() string { return s.path }

// Close releases the workbook. Calling it twice is harmless.
func (s *Store) Close() error {
	s.closeOnce.Do(func() { s.closeErr = s.db.Close() })
	return s.closeErr
}

// MissingError reports a read-only open of a workbook that does not exist
// yet. It matches errors.Is(err, fs.ErrNotExist).
type MissingError struct {
	Path string
}

func (e *MissingError) Error() string {
	return fmt.Sprintf("there is no workbook at %s yet", e.Path)
}

// Is makes errors.Is(err, fs.ErrNotExist) true.
func (e *MissingError) Is(target error) bool { return target == fs.ErrNotExist }
