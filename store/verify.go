package store

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// This file inspects a workbook file by reading it, before bbolt maps it.
//
// bbolt trusts its file: a damaged page makes it index outside its memory
// map (a fault that kills the process unless caught), panic, or recurse
// forever on a cycle of page references (a stack overflow no recover can
// catch; tx.Check recurses the same way, so it cannot be the guard). Opening
// read-write also writes to some files (it initialises an empty file and
// rewrites a missing freelist). So every page bbolt could reach is checked
// here first, with bounds checks and a visited set, and only a file that
// passes is handed to bbolt. The on-disk format is bbolt's, version 2, and
// is stable: see go.etcd.io/bbolt/internal/common.

const (
	boltMagic   = 0xED0CDAED
	boltVersion = 2

	pageHeaderSize  = 16 // id u64, flags u16, count u16, overflow u32
	elemSize        = 16 // branch: pos u32, ksize u32, pgid u64; leaf: flags u32, pos u32, ksize u32, vsize u32
	metaSize        = 64 // fields up to and including the checksum
	metaSumSize     = 56 // the checksum covers the fields before it
	bucketHeaderLen = 16 // root pgid u64, sequence u64

	flagBranch   = 0x01
	flagLeaf     = 0x02
	flagMeta     = 0x04
	flagFreelist = 0x10
	leafBucket   = 0x01

	noFreelist = ^uint64(0)

	// maxTreeDepth bounds recursion: a B+tree of 4 KiB pages deeper than
	// this would need more pages than any file can hold.
	maxTreeDepth = 64
	// maxMetaBytes bounds what is kept of the meta bucket: it holds a few
	// short keys, so more than this is not ours anyway.
	maxMetaBytes = 1 << 20
)

// wholeReadLimit is the largest file read into memory in one go for the
// check when it cannot be mapped, and mapCheckLimit the largest mapped;
// larger ones are read page by page. A map costs no heap, only resident
// file pages while the check runs, so it goes further: a 120 MB workbook
// (100,000 threats) read page by page spent 27 ms of its open in pread
// calls. (Variables so tests can take the page-by-page path on small
// files.)
var wholeReadLimit, mapCheckLimit int64 = 64 << 20, 256 << 20

// errNotBolt means the file is not a bbolt database at all.
type errNotBolt struct{ reason string }

func (e errNotBolt) Error() string { return e.reason }

// errDamaged means the file is a bbolt database whose structure is broken.
type errDamaged struct{ detail string }

func (e errDamaged) Error() string { return e.detail }

func damaged(format string, args ...any) error { return errDamaged{fmt.Sprintf(format, args...)} }

// boltMeta is one of the two meta pages.
type boltMeta struct {
	magic, version, pageSize uint32
	root, freelist, pgid     uint64
	txid                     uint64
	valid                    bool
}

func parseMeta(b []byte) (m boltMeta, ok bool) {
	if len(b) < pageHeaderSize+metaSize {
		return m, false
	}
	d := b[pageHeaderSize:]
	m.magic = u32(d[0:])
	m.version = u32(d[4:])
	m.pageSize = u32(d[8:])
	m.root = u64(d[16:])
	m.freelist = u64(d[32:])
	m.pgid = u64(d[40:])
	m.txid = u64(d[48:])
	h := fnv.New64a()
	h.Write(d[:metaSumSize])
	m.valid = m.magic == boltMagic && m.version == boltVersion && h.Sum64() == u64(d[56:])
	return m, true
}

// bbolt writes its structures in the machine's byte order.
func u16(b []byte) uint16 { return binary.NativeEndian.Uint16(b) }
func u32(b []byte) uint32 { return binary.NativeEndian.Uint32(b) }
func u64(b []byte) uint64 { return binary.NativeEndian.Uint64(b) }

// fileSummary is what inspect learns about a file bbolt can safely open.
type fileSummary struct {
	// top lists the root bucket's entries: name → is a bucket.
	top map[string]bool
	// meta holds the meta bucket's plain keys and values, when present.
	meta map[string][]byte
	// modelsPlain counts non-bucket entries of the models bucket (ours has none).
	modelsPlain int
	// modelBuckets counts the models bucket's sub-buckets.
	modelBuckets int
	// metaSealed is set when the meta bucket carries the seal mark.
	metaSealed bool

	// damage lists what is damaged in a file that can still be read: the
	// models named in damagedModels are not to be read through bbolt, the
	// rest is intact. Writes must be refused. Each entry is one clause.
	damage []string
	// damagedModels maps a model id to what is damaged in it.
	damagedModels map[string]string
	// rolledBack is set when a header page is invalid, so the file may
	// read as of an earlier transaction than its last.
	rolledBack bool
	// sealed counts the buckets carrying the seal mark; unsealed lists
	// those without it that schema 2 seals (see issuesIDs).
	sealed   int
	unsealed [][]string
	// titles holds the overview payload of damaged models, when it
	// verified, so they can be named.
	titles map[string][]byte
}

// inspector walks a bbolt file through ReadAt, checking every page it
// reaches.
type inspector struct {
	r        io.ReaderAt
	data     []byte // the whole file, when it is small enough to read at once
	size     int64
	pageSize uint64
	hwm      uint64 // the meta's high-water mark: pages at or above it do not exist
	seen     []uint64
	freed    map[uint64]bool
	deep     bool
	sum      fileSummary
	metaLen  int
}

// readHeader checks the header pages of a bbolt file, picks the meta page
// bbolt would use (noting damage to the other in sum.damage) and returns an
// inspector ready to walk from it. release unmaps the file. truncated
// accepts a file shorter than its meta says (for salvage): the pages past
// its end then count as missing.
func readHeader(r io.ReaderAt, size int64, truncated bool) (in *inspector, m boltMeta, release func(), err error) {
	release = func() {}
	head := make([]byte, min(size, int64(os.Getpagesize())))
	if _, err := r.ReadAt(head, 0); err != nil {
		return nil, m, release, fmt.Errorf("reading the file header: %w", err)
	}
	m0, ok := parseMeta(head)
	if !ok {
		return nil, m, release, errNotBolt{"the file is too short to be one"}
	}
	pageSize := uint64(m0.pageSize)
	if !m0.valid {
		// bbolt then looks for the second meta page one OS page in.
		m1buf := make([]byte, pageHeaderSize+metaSize)
		n, _ := r.ReadAt(m1buf, int64(os.Getpagesize()))
		m1, ok := parseMeta(m1buf[:n])
		switch {
		case ok && m1.valid:
			pageSize = uint64(m1.pageSize)
		case m0.magic == boltMagic || (ok && m1.magic == boltMagic):
			return nil, m, release, damaged("both header pages fail their checksum")
		default:
			return nil, m, release, errNotBolt{"it has no workbook header"}
		}
	}
	if pageSize < 512 || pageSize > 1<<16 || pageSize&(pageSize-1) != 0 {
		return nil, m, release, damaged("impossible page size %d", pageSize)
	}
	if uint64(size) < 2*pageSize {
		return nil, m, release, damaged("the file is truncated: %d bytes", size)
	}
	metas := make([]byte, 2*pageSize)
	if _, err := r.ReadAt(metas, 0); err != nil {
		return nil, m, release, fmt.Errorf("reading the file header: %w", err)
	}
	a, _ := parseMeta(metas[:pageSize])
	b, _ := parseMeta(metas[pageSize:])
	// The same choice as bbolt: the newer valid meta page wins.
	if b.txid > a.txid {
		a, b = b, a
	}
	m = a
	if !m.valid {
		m = b
	}
	if !m.valid {
		return nil, m, release, damaged("both header pages fail their checksum")
	}
	if uint64(m.pageSize) != pageSize {
		return nil, m, release, damaged("the header pages disagree on the page size")
	}
	var sum fileSummary
	if bad := a; !a.valid || !b.valid {
		if !a.valid {
			bad = a
		} else {
			bad = b
		}
		sum.rolledBack = bad.txid != m.txid-1
		switch bad.txid {
		case m.txid - 1:
			sum.damage = append(sum.damage, "the older of its two header pages is damaged")
		case m.txid + 1:
			sum.damage = append(sum.damage, fmt.Sprintf("its last change, transaction %d, was lost to damage: the header page recording it is invalid, so it reads as it was after transaction %d", m.txid+1, m.txid))
		default:
			sum.damage = append(sum.damage, fmt.Sprintf("a header page is damaged, so its last change, transaction %d, may have been lost to damage", m.txid+1))
		}
	}
	in = &inspector{r: r, size: size, pageSize: pageSize, sum: sum}
	// One view of the whole file instead of one read per page: pread
	// calls dominated the check. A read-only map costs no heap; a read is
	// the fallback.
	if size <= mapCheckLimit {
		if data, unmap, ok := mapForCheck(r, size); ok {
			release = unmap
			in.data = data
		}
	}
	if in.data == nil && size <= wholeReadLimit {
		in.data = make([]byte, size)
		if _, err := r.ReadAt(in.data, 0); err != nil {
			return nil, m, release, fmt.Errorf("reading the file: %w", err)
		}
	}
	hwm := m.pgid
	if truncated && hwm > uint64(size)/pageSize {
		hwm = uint64(size) / pageSize
	}
	if m.pgid < 3 || hwm > uint64(size)/pageSize {
		release()
		return nil, m, release, damaged("the file is truncated or its page count is wrong (%d pages recorded, %d bytes on disk)", m.pgid, size)
	}
	in.hwm = hwm
	in.seen = make([]uint64, (in.hwm+63)/64)
	in.mark(0)
	in.mark(1)
	return in, m, release, nil
}

// inspect checks that f (size bytes, not empty) is a bbolt file whose
// structure is intact and summarises its top level. deep walks every bucket;
// otherwise only the root and meta buckets are walked, which bounds the cost
// on very large files.
func inspect(r io.ReaderAt, size int64, deep bool) (*fileSummary, error) {
	in, m, release, err := readHeader(r, size, false)
	if err != nil {
		return nil, err
	}
	defer release()
	in.deep = deep
	if err := in.freelist(m.freelist); err != nil {
		return nil, err
	}
	in.sum.top = map[string]bool{}
	if _, _, err := in.tree(m.root, nil, 0, nil, nil, false); err != nil {
		return nil, err
	}
	if err := in.account(m); err != nil {
		return nil, err
	}
	return &in.sum, nil
}

// account checks what the walk cannot see page by page: that every page
// below the high-water mark is in use or free (a branch page whose element
// count was lowered strands the pages it no longer names; bbolt's own
// check calls them "unreachable unfreed"), and that meta's count of models
// matches the models there.
func (in *inspector) account(m boltMeta) error {
	if in.deep && m.freelist != noFreelist {
		lost := uint64(0)
		for id := uint64(2); id < in.hwm; id++ {
			if in.seen[id/64]&(1<<(id%64)) == 0 && !in.freed[id] {
				lost++
			}
		}
		if lost > 0 {
			in.sum.damage = append(in.sum.damage, fmt.Sprintf("%d of its pages are neither in use nor free, so what they held was lost", lost))
		}
	}
	if raw, ok := in.sum.meta[string(keyModels)]; ok && in.sum.metaSealed {
		payload, _ := unseal(bucketMeta, keyModels, raw) // verified by the walk
		if n, err := strconv.Atoi(string(payload)); err != nil || n != in.sum.modelBuckets {
			in.sum.damage = append(in.sum.damage, fmt.Sprintf("it recorded %s models but %d are there, so the others were lost", payload, in.sum.modelBuckets))
		}
	}
	for id := range in.sum.titles {
		if in.sum.damagedModels[id] == "" {
			delete(in.sum.titles, id)
		}
	}
	return nil
}

// modelDamage records the first damage found in model id.
func (in *inspector) modelDamage(id, detail string) {
	if in.sum.damagedModels == nil {
		in.sum.damagedModels = map[string]string{}
	}
	if in.sum.damagedModels[id] == "" {
		in.sum.damagedModels[id] = detail
	}
}

// issuesIDs reports the buckets whose sequence issues ids, which are
// never sealed: models, and each library name's bucket.
func issuesIDs(path []string) bool {
	return (len(path) == 1 && path[0] == string(bucketModels)) || (len(path) == 2 && path[0] == string(bucketLibraries))
}

// checkSeals relates the seal marks to the file's schema: schema 2 seals
// every bucket but those issuing ids, and older schemas none. A mark that
// flipped would otherwise switch the checks off (or, before a migration,
// seal a value twice).
func (sum *fileSummary) checkSeals(schema int) {
	if schema < 2 {
		if sum.sealed > 0 {
			sum.damage = append(sum.damage, fmt.Sprintf("it says schema %d but holds checksummed records", schema))
		}
		return
	}
	for _, p := range sum.unsealed {
		if id := modelOf(p); id != "" {
			if sum.damagedModels == nil {
				sum.damagedModels = map[string]string{}
			}
			if sum.damagedModels[id] == "" {
				sum.damagedModels[id] = "a bucket of it lost its checksum mark"
			}
			continue
		}
		sum.damage = append(sum.damage, fmt.Sprintf("bucket %s lost its checksum mark", strings.Join(p, "/")))
	}
}

// isStaging reports whether path is the staging bucket (see
// bucketStaging).
func isStaging(path []string) bool {
	return len(path) == 1 && path[0] == string(bucketStaging)
}

// stagingDamage records damage in the staging bucket: a file damaged
// there is not written any more, but its models are all there to read.
func (in *inspector) stagingDamage(detail string) {
	in.sum.damage = append(in.sum.damage, "the model an unfinished import was writing is damaged: "+detail)
}

// modelOf returns the model id a bucket path lies in, or "".
func modelOf(path []string) string {
	if len(path) >= 2 && path[0] == string(bucketModels) {
		return path[1]
	}
	return ""
}

// recordName describes a record at path/key for a message, from inside its
// model: "threat \"T-003\"", "its position".
func recordName(path []string, key []byte) string {
	if len(path) == 2 {
		return "its " + shorten(string(key))
	}
	kind := path[len(path)-1]
	if string(key) == string(singletonKey) {
		return "its " + shorten(kind)
	}
	return shorten(kind) + " " + strconv.Quote(shorten(string(key)))
}

// countWord names what a bucket's entries are, for a message.
func countWord(path []string) string {
	if len(path) == 2 {
		return "its record kinds"
	}
	return "its " + shorten(path[len(path)-1]) + " records"
}

func (in *inspector) mark(id uint64) bool {
	w, bit := id/64, uint64(1)<<(id%64)
	if in.seen[w]&bit != 0 {
		return false
	}
	in.seen[w] |= bit
	return true
}

// page reads page id with its overflow pages, checking that it exists, is
// referenced only once and is not free.
func (in *inspector) page(id uint64, wantFlags uint16) ([]byte, error) {
	if id < 2 || id >= in.hwm {
		return nil, damaged("page %d is out of range", id)
	}
	buf, err := in.read(id, 1)
	if err != nil {
		return nil, err
	}
	if got := u64(buf); got != id {
		return nil, damaged("page %d identifies itself as page %d", id, got)
	}
	// wantFlags 0 asks for a tree page: a branch or a leaf, nothing else
	// (a page whose flags were zeroed makes bbolt assert on read).
	if f := u16(buf[8:]); (wantFlags == 0 && f != flagBranch && f != flagLeaf) || (wantFlags != 0 && f != wantFlags) {
		return nil, damaged("page %d has the wrong type (%#x)", id, f)
	}
	overflow := uint64(u32(buf[12:]))
	if overflow >= in.hwm-id {
		return nil, damaged("page %d runs past the end of the file", id)
	}
	for i := uint64(0); i <= overflow; i++ {
		if !in.mark(id + i) {
			return nil, damaged("page %d is referenced twice", id+i)
		}
		if in.freed[id+i] {
			return nil, damaged("page %d is in use and also listed as free", id+i)
		}
	}
	if overflow > 0 {
		return in.read(id, overflow+1)
	}
	return buf, nil
}

// read returns n pages from page id on, which the caller has checked lie
// below the high-water mark and so within the file.
func (in *inspector) read(id, n uint64) ([]byte, error) {
	off, length := id*in.pageSize, n*in.pageSize
	if in.data != nil {
		return in.data[off : off+length], nil
	}
	buf := make([]byte, length)
	if _, err := in.r.ReadAt(buf, int64(off)); err != nil {
		return nil, damaged("page %d cannot be read: %v", id, err)
	}
	return buf, nil
}

func (in *inspector) freelist(id uint64) error {
	if id == noFreelist {
		return nil // bbolt rebuilds it by walking the tree, which is checked below
	}
	p, err := in.page(id, flagFreelist)
	if err != nil {
		return err
	}
	count, start := uint64(u16(p[10:])), uint64(pageHeaderSize)
	if count == 0xFFFF {
		count, start = u64(p[pageHeaderSize:]), pageHeaderSize+8
	}
	if count > (uint64(len(p))-start)/8 {
		return damaged("the free-page list overflows its page")
	}
	in.freed = make(map[uint64]bool, count)
	for i := range count {
		fid := u64(p[start+8*i:])
		if fid < 2 || fid >= in.hwm {
			return damaged("the free-page list names page %d, which does not exist", fid)
		}
		if in.freed[fid] {
			return damaged("page %d is freed twice", fid)
		}
		in.freed[fid] = true
	}
	return nil
}

// tree checks the B+tree of one bucket: rooted at page root, or (root 0)
// the inline page held in inline. path names the bucket from the top;
// sealed is set when its header carries the seal mark, and then every value
// in it must pass its checksum. It returns the number of entries in the
// bucket. Damage inside a model is recorded against that model and its
// walk stops there; damage anywhere else is an error.
//
// name is the bucket's name (path's last element, as the stored key).
func (in *inspector) tree(root uint64, inline []byte, depth int, path []string, name []byte, sealed bool) (n uint64, first []byte, err error) {
	if depth > maxTreeDepth {
		return 0, nil, damaged("a bucket tree is impossibly deep")
	}
	var p []byte
	if root == 0 && inline != nil {
		if len(inline) < pageHeaderSize {
			return 0, nil, damaged("an inline bucket is truncated")
		}
		p = inline
		if u16(p[8:]) != flagLeaf {
			return 0, nil, damaged("an inline bucket is not a leaf page")
		}
	} else {
		var err error
		if p, err = in.page(root, 0); err != nil {
			return 0, nil, err
		}
	}
	count := int(u16(p[10:]))
	if pageHeaderSize+count*elemSize > len(p) {
		return 0, nil, damaged("a page holds more elements than fit in it")
	}
	branch := u16(p[8:]) == flagBranch
	if branch && count == 0 {
		return 0, nil, damaged("a branch page is empty")
	}
	var prev []byte
	var sum bucketSum
	if sealed {
		sum = sumOf(name)
	}
	for i := range count {
		el, ok := elementAt(p, i, branch)
		if !ok {
			return 0, nil, damaged("a key or value runs past the end of its page")
		}
		key := el.key
		if prev != nil && bytes.Compare(prev, key) >= 0 {
			return 0, nil, damaged("keys are out of order")
		}
		prev = key
		if i == 0 {
			first = key
		}
		if branch {
			sub, childFirst, err := in.tree(el.child, nil, depth+1, path, name, sealed)
			if err != nil {
				return 0, nil, err
			}
			// bbolt seeks by these keys: one that is not its child's
			// first key sends reads and writes to the wrong page.
			if !bytes.Equal(childFirst, key) {
				return 0, nil, damaged("a branch key does not match the page it names")
			}
			n += sub
			continue
		}
		n++
		value, isBucket := el.value, el.bucket
		if !isBucket && sealed && len(path) > 0 {
			if err := in.verifyValue(path, name, sum, key, value); err != nil {
				return 0, nil, err
			}
		}
		in.note(path, key, value, isBucket)
		if !isBucket {
			continue
		}
		if len(value) < bucketHeaderLen {
			return 0, nil, damaged("a bucket header is truncated")
		}
		// Model buckets (depth 2 of nesting) hold the bulk of a big file;
		// a shallow check stops above them.
		if !in.deep && len(path) >= 1 && path[0] != string(bucketMeta) {
			continue
		}
		sub := append(path[:len(path):len(path)], string(key))
		seq := u64(value[8:])
		subSealed := seq&sealMark != 0
		if len(sub) == 1 && sub[0] == string(bucketMeta) {
			in.sum.metaSealed = subSealed
		}
		if subSealed {
			in.sum.sealed++
		} else if !issuesIDs(sub) {
			in.sum.unsealed = append(in.sum.unsealed, sub)
		}
		// Depth counts pages, so a nested bucket starts a fresh tree but
		// keeps the bound on total recursion.
		got, _, err := in.tree(u64(value), value[bucketHeaderLen:], depth+1, sub, key, subSealed)
		if err != nil {
			if id := modelOf(sub); id != "" && len(sub) == 2 {
				in.modelDamage(id, err.Error())
				continue
			}
			if isStaging(sub) {
				in.stagingDamage(err.Error())
				continue
			}
			return 0, nil, err
		}
		if subSealed && got != entries(seq) {
			detail := fmt.Sprintf("%s number %d, not %d as recorded, so some were lost", countWord(sub), got, entries(seq))
			if id := modelOf(sub); id != "" {
				in.modelDamage(id, detail)
				continue
			}
			if isStaging(sub) {
				in.stagingDamage(detail)
				continue
			}
			return 0, nil, damaged("%s: %s", strings.Join(sub, "/"), detail)
		}
	}
	return n, first, nil
}

// element is one entry of a branch or leaf page.
type element struct {
	key, value []byte // value: leaf pages only
	child      uint64 // branch pages: the page it names
	bucket     bool   // leaf pages: the value is a bucket header
}

// elementAt decodes entry i of page p; ok is false when its key or value
// would run past the page.
func elementAt(p []byte, i int, branch bool) (el element, ok bool) {
	e := pageHeaderSize + i*elemSize
	h := p[e : e+elemSize]
	var pos, ksize, vsize uint64
	if branch {
		pos, ksize = uint64(u32(h[0:])), uint64(u32(h[4:]))
		el.child = u64(h[8:])
	} else {
		pos, ksize, vsize = uint64(u32(h[4:])), uint64(u32(h[8:])), uint64(u32(h[12:]))
		el.bucket = u32(h[0:])&leafBucket != 0
	}
	if uint64(e)+pos+ksize+vsize > uint64(len(p)) {
		return el, false
	}
	k := uint64(e) + pos
	el.key, el.value = p[k:k+ksize], p[k+ksize:k+ksize+vsize]
	return el, true
}

// verifyValue checks one value of a sealed bucket against its checksum.
// name is the bucket's name, path's last element.
// sum is the checksum state of its name.
func (in *inspector) verifyValue(path []string, name []byte, sum bucketSum, key, value []byte) error {
	if plainMeta(name, key) {
		return nil
	}
	payload, ok := sum.unseal(key, value)
	if id := modelOf(path); id != "" {
		if !ok {
			in.modelDamage(id, recordName(path, key)+" fails its checksum")
		} else if len(path) == 3 && path[2] == string(model.RecOverview) && string(key) == string(singletonKey) {
			if in.sum.titles == nil {
				in.sum.titles = map[string][]byte{}
			}
			in.sum.titles[id] = bytes.Clone(payload)
		}
		return nil
	}
	if !ok {
		return damaged("%s %q fails its checksum", strings.Join(path, "/"), shorten(string(key)))
	}
	return nil
}

// note records what classification needs: the top-level names, the meta
// bucket's keys and the shape of the models bucket.
func (in *inspector) note(path []string, key, value []byte, isBucket bool) {
	switch {
	case len(path) == 0:
		in.sum.top[string(key)] = isBucket
	case len(path) == 1 && path[0] == string(bucketMeta) && !isBucket:
		if in.metaLen += len(key) + len(value); in.metaLen <= maxMetaBytes {
			if in.sum.meta == nil {
				in.sum.meta = map[string][]byte{}
			}
			in.sum.meta[string(key)] = bytes.Clone(value)
		}
	case len(path) == 1 && path[0] == string(bucketModels) && !isBucket:
		in.sum.modelsPlain++
	case len(path) == 1 && path[0] == string(bucketModels):
		in.sum.modelBuckets++
	}
}
