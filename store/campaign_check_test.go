package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/threatdeck/threatdeck/model"
)

// This file holds the check every damaged variant of a workbook goes
// through (corrupt_test.go, campaign_corrupt_test.go): no panic, no hang,
// no write to a file reported damaged, and no silent change — the variant
// either opens with exactly the original's content, or damage is reported;
// and then every model listed as healthy still has exactly its original
// content.

// contents is what a workbook holds, comparably: each model's records.
type contents map[string][]string

// readContents opens a healthy workbook read-only and reads every model.
func readContents(t testing.TB, path string) contents {
	t.Helper()
	s, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	return contentsOf(t, s)
}

// outcome is how one variant fared.
type outcome int

const (
	outIdentical outcome = iota // opened, no damage, same content
	outDamaged                  // opened, damage reported, healthy models intact
	outRefused                  // Open refused the file
)

// variantStats counts outcomes over a campaign.
type variantStats struct {
	n                            int
	identical, damaged, refused  int
	healthyModels, damagedModels int
	writesRefused                int
	salvagedWhole, salvagedPart  int
	unsalvageable                int
	byClass                      map[string][3]int
}

func (st *variantStats) add(class string, o outcome) {
	st.n++
	switch o {
	case outIdentical:
		st.identical++
	case outDamaged:
		st.damaged++
	case outRefused:
		st.refused++
	}
	if st.byClass == nil {
		st.byClass = map[string][3]int{}
	}
	c := st.byClass[class]
	c[o]++
	st.byClass[class] = c
}

// variantTimeout bounds one variant's check: longer is a hang.
const variantTimeout = 30 * time.Second

// checkVariant writes data to a file and puts it through the check,
// failing t on any violation. want is the original's content.
func checkVariant(t testing.TB, name string, data []byte, want contents, st *variantStats) outcome {
	t.Helper()
	path := filepath.Join(t.TempDir(), "v.db")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	type result struct {
		o   outcome
		err error
	}
	done := make(chan result, 1)
	go func() {
		defer func() {
			if r := recover(); r != nil {
				done <- result{err: fmt.Errorf("panic: %v", r)}
			}
		}()
		o, err := examine(path, data, want, st)
		done <- result{o, err}
	}()
	select {
	case r := <-done:
		if r.err != nil {
			t.Errorf("variant %s: %v", name, r.err)
		}
		return r.o
	case <-time.After(variantTimeout):
		t.Fatalf("variant %s: hung for %v", name, variantTimeout)
	}
	return outRefused
}

// examine is checkVariant's work; it returns the first violation.
func examine(path string, data []byte, want contents, st *variantStats) (outcome, error) {
	unchanged := func() error {
		now, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if !bytes.Equal(now, data) {
			return errors.New("a damaged or refused file was modified")
		}
		return nil
	}
	s, err := Open(path, Options{})
	if err != nil {
		_, newer := errors.AsType[*NewerSchemaError](err)
		if !isNotWorkbook(err) && !isCorrupt(err) && !newer {
			return outRefused, fmt.Errorf("unexpected error type %T: %v", err, err)
		}
		if err := unchanged(); err != nil {
			return outRefused, err
		}
		return outRefused, checkSalvage(path, want, false, st)
	}
	defer s.Close()
	sums, err := s.List()
	if err != nil {
		return outDamaged, fmt.Errorf("List failed on an opened workbook: %v", err)
	}
	healthy := 0
	seen := map[string]bool{}
	for _, sum := range sums {
		seen[sum.ID] = true
		if sum.Damage != "" {
			if s.Damaged() == nil {
				return outDamaged, fmt.Errorf("model %s is listed damaged but writes are not refused", sum.ID)
			}
			if st != nil {
				st.damagedModels++
			}
			continue
		}
		m, err := s.Load(sum.ID)
		if err != nil {
			if isCorrupt(err) && s.Damaged() != nil {
				continue // found while loading, and now refused
			}
			return outDamaged, fmt.Errorf("model %s listed healthy does not load: %v", sum.ID, err)
		}
		if s.damage.rolledBack {
			// The newest header page was lost: the file reads as of an
			// earlier transaction, as the damage report says.
			healthy++
			continue
		}
		if got, ok := want[sum.ID]; !ok || !slices.Equal(recordsOf(m), got) {
			if s.Damaged() == nil {
				return outIdentical, fmt.Errorf("silent change: model %s opened with other content and no damage reported", sum.ID)
			}
			return outDamaged, fmt.Errorf("silent change: model %s is listed healthy but its content changed", sum.ID)
		}
		healthy++
		s.ModelPosition(sum.ID)
	}
	s.Position()
	s.Find("Payments")
	s.Libraries()
	s.ActiveLibraries()
	if s.Damaged() == nil {
		for id := range want {
			if !seen[id] {
				return outIdentical, fmt.Errorf("silent loss: model %s is gone and no damage is reported", id)
			}
		}
		if len(seen) != len(want) {
			return outIdentical, fmt.Errorf("silent change: %d models instead of %d", len(seen), len(want))
		}
		if st != nil {
			st.healthyModels += healthy
		}
		return outIdentical, nil
	}
	if st != nil {
		st.healthyModels += healthy
	}
	// Every write is refused, with the same message naming the file.
	refusal := s.Damaged().Error()
	var target string
	for id := range want {
		target = id
		break
	}
	m := mustNewModel("After damage")
	ch, _ := m.PutParking(model.ParkingItem{Text: "x"}, t0)
	for what, write := range map[string]func() error{
		"create":   func() error { _, err := s.Create(m); return err },
		"commit":   func() error { return s.Commit(target, ch.Do) },
		"delete":   func() error { return s.Delete(target) },
		"position": func() error { return s.SetPosition(model.Position{ModelID: target}) },
		"library":  func() error { _, err := s.AddLibrary(teamLibrary("x", "", "X-1"), t0); return err },
	} {
		err := write()
		if err == nil || err.Error() != refusal {
			return outDamaged, fmt.Errorf("%s on a damaged workbook: %v, want %q", what, err, refusal)
		}
		if st != nil {
			st.writesRefused++
		}
	}
	rolledBack := s.damage.rolledBack
	s.Close()
	if err := unchanged(); err != nil {
		return outDamaged, err
	}
	return outDamaged, checkSalvage(path, want, rolledBack, st)
}

// checkSalvage salvages a damaged variant: the new workbook must be whole,
// and every model the report says came through whole must have exactly its
// original content (unless the file reads as of an earlier transaction).
func checkSalvage(path string, want contents, rolledBack bool, st *variantStats) error {
	dest := filepath.Join(filepath.Dir(path), "salvaged.db")
	rep, err := Salvage(path, dest)
	if err != nil {
		if st != nil {
			st.unsalvageable++
		}
		if isCorrupt(err) || isNotWorkbook(err) {
			return nil
		}
		_, newer := errors.AsType[*NewerSchemaError](err)
		if strings.Contains(err.Error(), "nothing can be salvaged") || newer {
			return nil
		}
		return fmt.Errorf("salvage: %v", err)
	}
	s, err := Open(dest, Options{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("the salvaged workbook does not open: %v", err)
	}
	defer s.Close()
	if s.Damaged() != nil {
		return fmt.Errorf("the salvaged workbook is damaged: %v", s.Damaged())
	}
	for _, sm := range rep.Models {
		if sm.NewID == "" {
			continue
		}
		m, err := s.Load(sm.NewID)
		if err != nil {
			return fmt.Errorf("salvaged model %s does not load: %v", sm.NewID, err)
		}
		if len(sm.Lost) == 0 && !rolledBack {
			if !slices.Equal(recordsOf(m), want[sm.ID]) {
				return fmt.Errorf("salvage says model %s came through whole, but its content differs", sm.ID)
			}
			if st != nil {
				st.salvagedWhole++
			}
		} else if st != nil {
			st.salvagedPart++
		}
	}
	return nil
}

// recordsOf renders a model's records comparably, as recordsJSON does.
func recordsOf(m *model.Model) []string {
	m.Normalize()
	var out []string
	for _, r := range m.Records() {
		b, _ := json.Marshal(r.Value)
		out = append(out, string(r.Kind)+"|"+r.ID+"|"+string(b))
	}
	return out
}

// mustNewModel is model.New for fixed, valid arguments.
func mustNewModel(title string) *model.Model {
	m, err := model.New(title, "", t0)
	if err != nil {
		panic(err)
	}
	return m
}

// damageText flips a bit of byte at of every copy of text in data (stale
// copies sit in free pages too), as a bad sector would, and returns how
// many copies it changed.
func damageText(data []byte, text string, at int) int {
	n := 0
	for from := 0; ; n++ {
		i := bytes.Index(data[from:], []byte(text))
		if i < 0 {
			return n
		}
		from += i + at
		data[from] ^= 0x20
	}
}

// widestBranch finds the branch page with the most elements in a workbook's
// bytes (-1 when there is none): in the fixtures, the big model's threat
// bucket, whose damage is met only when that model is read.
func widestBranch(data []byte) (branch, width, page int) {
	pages, page, _ := pagesOf(data)
	branch = -1
	for _, p := range pages {
		if p.flags == flagBranch && p.count > width {
			branch, width = p.id, p.count
		}
	}
	return branch, width, page
}
