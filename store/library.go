package store

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// Team threat libraries live in the workbook beside the models, so every
// model in it can draw on them:
//
//	libraries/                 created by the first AddLibrary
//	  <name>/                  one bucket per library name; its sequence issues versions
//	    1/                     a version ("1", "2" …)
//	      info    = {JSON}     libraryInfo: added time, label, description, threat count
//	      library = {JSON}     the model.Library as added
//
// Adding a library whose name is already there stores a new version; the
// newest version of each name is the active one. Old versions are kept, so
// a team can see what changed and when. The bucket is created on demand, so
// workbooks without it need no migration and builds that predate it simply
// ignore it.
var (
	bucketLibraries = []byte("libraries")
	keyLibraryInfo  = []byte("info")
	keyLibraryData  = []byte("library")
)

// LibraryInfo describes one stored version of a team library.
type LibraryInfo struct {
	// Name is the library's name, the same for all its versions.
	Name string `json:"name"`
	// Version is the workbook's version number: 1 for the first add of a
	// name, then 2, 3 …
	Version int `json:"version"`
	// Label is the file's own "version" field (the team's label), if any.
	Label       string    `json:"label,omitempty"`
	Description string    `json:"description,omitempty"`
	Threats     int       `json:"threats"`
	Added       time.Time `json:"added"`
	// Active is true for the newest version of each name: the one
	// suggestions draw on.
	Active bool `json:"active"`
}

// libraryInfo is what a version's info key holds; name and version are the
// bucket names, so they are not repeated.
type libraryInfo struct {
	Label       string    `json:"label,omitempty"`
	Description string    `json:"description,omitempty"`
	Threats     int       `json:"threats"`
	Added       time.Time `json:"added"`
}

// AddLibrary stores l as the next version of the library named l.Name (the
// name trimmed of surrounding space), in one transaction, and returns the
// version number. l must pass Validate; an invalid library stores nothing.
func (s *Store) AddLibrary(l model.Library, now time.Time) (int, error) {
	l.Name = strings.TrimSpace(l.Name)
	if err := l.Validate(); err != nil {
		return 0, fmt.Errorf("cannot add library %q: %w", l.Name, err)
	}
	data, err := json.Marshal(l)
	if err != nil {
		return 0, fmt.Errorf("cannot add library %q: %w", l.Name, err)
	}
	info, err := json.Marshal(libraryInfo{Label: l.Version, Description: l.Description, Threats: len(l.Threats), Added: now})
	if err != nil {
		return 0, fmt.Errorf("cannot add library %q: %w", l.Name, err)
	}
	var version int
	err = s.update(func(tx *bolt.Tx) error {
		libs, err := createTopBucket(tx, bucketLibraries)
		if err != nil {
			return err
		}
		// A name's bucket issues version numbers from its sequence, so
		// it is not sealed; the version buckets and the libraries are.
		lb := libs.Bucket([]byte(l.Name))
		if lb == nil {
			if lb, err = libs.CreateBucket([]byte(l.Name)); err != nil {
				return err
			}
			if err := count(libs, 1); err != nil {
				return err
			}
		}
		n, err := lb.NextSequence()
		if err != nil {
			return err
		}
		vname := []byte(strconv.FormatUint(n, 10))
		vb, err := createBucket(lb, vname)
		if err != nil {
			return err
		}
		if err := putValue(vb, vname, keyLibraryInfo, info); err != nil {
			return err
		}
		version = int(n)
		return putValue(vb, vname, keyLibraryData, data)
	})
	if err != nil {
		return 0, s.writeErr(fmt.Sprintf("add library %q", l.Name), err)
	}
	return version, nil
}

// RemoveLibrary deletes one version of the team library name or, with
// version 0, all of them, in one transaction, and returns how many
// versions it removed. Removing the newest version makes the one before
// it active; removing the last frees the name, and a later add of it
// starts again at version 1. Threats already accepted from the library
// stay in their models: each holds its own copy.
func (s *Store) RemoveLibrary(name string, version int) (int, error) {
	name = strings.TrimSpace(name)
	var removed int
	err := s.update(func(tx *bolt.Tx) error {
		libs := tx.Bucket(bucketLibraries)
		var lb *bolt.Bucket
		if libs != nil && name != "" {
			lb = libs.Bucket([]byte(name))
		}
		if lb == nil {
			return &LibraryNotFoundError{Name: name}
		}
		versions := libraryVersions(lb)
		if version == 0 {
			removed = len(versions)
			return deleteBucket(libs, []byte(name))
		}
		if !slices.Contains(versions, version) {
			return &LibraryNotFoundError{Name: name, Version: version}
		}
		removed = 1
		if len(versions) == 1 {
			return deleteBucket(libs, []byte(name))
		}
		return deleteBucket(lb, []byte(strconv.Itoa(version)))
	})
	if err != nil {
		return 0, s.writeErr(fmt.Sprintf("remove library %q", name), err)
	}
	return removed, nil
}

// Libraries lists every stored version of every team library, by name and
// then version, marking the newest of each name active. It reads only the
// small info records, not the libraries themselves.
func (s *Store) Libraries() ([]LibraryInfo, error) {
	var out []LibraryInfo
	err := s.view(func(tx *bolt.Tx) error {
		return eachLibrary(tx, func(name string, lb *bolt.Bucket, versions []int) error {
			for _, v := range versions {
				var info libraryInfo
				if err := s.decodeLibrary(name, v, lb, keyLibraryInfo, &info); err != nil {
					return err
				}
				out = append(out, LibraryInfo{
					Name: name, Version: v, Label: info.Label, Description: info.Description,
					Threats: info.Threats, Added: info.Added, Active: v == versions[len(versions)-1],
				})
			}
			return nil
		})
	})
	return out, err
}

// ActiveLibraries returns the newest version of each team library, by
// name, in one read transaction. Pass them to model.SuggestionLibraries
// for model.Suggest.
func (s *Store) ActiveLibraries() ([]model.Library, error) {
	var out []model.Library
	err := s.view(func(tx *bolt.Tx) error {
		return eachLibrary(tx, func(name string, lb *bolt.Bucket, versions []int) error {
			var l model.Library
			if err := s.decodeLibrary(name, versions[len(versions)-1], lb, keyLibraryData, &l); err != nil {
				return err
			}
			out = append(out, l)
			return nil
		})
	})
	return out, err
}

// eachLibrary calls fn for every library name that has at least one
// version, in name order, with its versions in ascending order.
func eachLibrary(tx *bolt.Tx, fn func(name string, lb *bolt.Bucket, versions []int) error) error {
	libs := tx.Bucket(bucketLibraries)
	if libs == nil {
		return nil
	}
	var names []string
	_ = libs.ForEachBucket(func(k []byte) error {
		names = append(names, string(k))
		return nil
	})
	for _, name := range names {
		lb := libs.Bucket([]byte(name))
		versions := libraryVersions(lb)
		if len(versions) == 0 {
			continue
		}
		if err := fn(name, lb, versions); err != nil {
			return err
		}
	}
	return nil
}

// libraryVersions lists the versions stored under one library name, in
// ascending order.
func libraryVersions(lb *bolt.Bucket) []int {
	var versions []int
	_ = lb.ForEachBucket(func(k []byte) error {
		// Only canonical numbers: decodeLibrary looks a version up by
		// strconv.Itoa, so "007" would name a bucket it cannot find.
		if v, err := strconv.Atoi(string(k)); err == nil && v > 0 && strconv.Itoa(v) == string(k) {
			versions = append(versions, v)
		}
		return nil
	})
	// bbolt orders keys as bytes, which puts "10" before "2".
	slices.SortFunc(versions, cmp.Compare)
	return versions
}

// decodeLibrary unmarshals one key of a stored library version; what
// AddLibrary wrote always decodes, so a failure means damage.
func (s *Store) decodeLibrary(name string, version int, lb *bolt.Bucket, key []byte, v any) error {
	detail := fmt.Sprintf("library %q version %d", name, version)
	vname := []byte(strconv.Itoa(version))
	vb := lb.Bucket(vname)
	data, ok := getValue(vb, vname, key)
	if !ok {
		return &CorruptError{Path: s.path, Detail: fmt.Sprintf("%s: %s fails its checksum", detail, key)}
	}
	if data == nil {
		return &CorruptError{Path: s.path, Detail: fmt.Sprintf("%s has no %s record", detail, key)}
	}
	if err := json.Unmarshal(data, v); err != nil {
		return &CorruptError{Path: s.path, Detail: fmt.Sprintf("%s: %s does not decode: %v", detail, key, err)}
	}
	return nil
}
