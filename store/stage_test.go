package store

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"

	bolt "go.etcd.io/bbolt"

	"github.com/threatdeck/threatdeck/model"
)

// stagedModel is a model that a small chunk size stages: a few hundred
// threats beside every record kind, a kept document large enough to be a
// big record (bigRecordBytes), with white space to compact, and one small
// enough to go with its chunk, with text json.Marshal escapes.
func stagedModel(t testing.TB) *model.Model {
	t.Helper()
	m := richModel(t, "Staged")
	for i := 3; i <= 400; i++ {
		m.Threats = append(m.Threats, model.Threat{ID: model.FormatID(model.PrefixThreat, i), Title: fmt.Sprintf("Threat %d", i),
			Description: "Written in stages.", Category: model.Tampering, Likelihood: 2, Impact: 3, Status: model.StatusOpen})
	}
	m.Seq[model.PrefixThreat] = 400
	var doc bytes.Buffer
	doc.WriteString("{\"cells\": [")
	for i := 0; doc.Len() < bigRecordBytes+1000; i++ {
		if i > 0 {
			doc.WriteString(", ")
		}
		fmt.Fprintf(&doc, "{\"id\": \"cell-%d\", \"text\": \"ünïcode \\u00e9 %d\"}", i, i)
	}
	doc.WriteString("]}\n")
	m.Extensions["otm"] = json.RawMessage(doc.Bytes())
	m.Extensions["tm-bom"] = json.RawMessage(`{"note": "<b>a & b</b>", "sep": "` + "\u2028" + `"}`)
	m.Normalize()
	return m
}

// withChunk sets stageChunkBytes for the test.
func withChunk(t *testing.T, n int) {
	old := stageChunkBytes
	stageChunkBytes = n
	t.Cleanup(func() { stageChunkBytes = old })
}

// withHook sets stageHook for the test.
func withHook(t *testing.T, hook func(n int) error) {
	stageHook = hook
	t.Cleanup(func() { stageHook = nil })
}

// storedValues is every key and raw value under model id's bucket, the
// checksum trailers included, keyed by bucket path and key.
func storedValues(t *testing.T, s *Store, id string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var walk func(b *bolt.Bucket, path string)
	walk = func(b *bolt.Bucket, path string) {
		_ = b.ForEach(func(k, v []byte) error {
			if v == nil {
				out[path+"/"+string(k)+"/"] = fmt.Sprint(b.Bucket(k).Sequence())
				walk(b.Bucket(k), path+"/"+string(k))
				return nil
			}
			out[path+"/"+string(k)] = string(v)
			return nil
		})
	}
	if err := s.view(func(tx *bolt.Tx) error {
		walk(modelBucket(tx, id), "")
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

// hasStaging reports whether the workbook has a staging bucket.
func hasStaging(t *testing.T, s *Store) bool {
	t.Helper()
	var found bool
	if err := s.view(func(tx *bolt.Tx) error {
		found = tx.Bucket(bucketStaging) != nil
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return found
}

// The staged path and the one-transaction path write the same bytes, the
// ones json.Marshal and seal always wrote, and the model loads back equal.
func TestStagedCreateMatchesOneTransaction(t *testing.T) {
	one := newStore(t)
	m := stagedModel(t)
	want := recordsJSON(t, m)
	txs := 0
	withHook(t, func(int) error { txs++; return nil })
	id1, err := one.Create(m)
	if err != nil {
		t.Fatal(err)
	}
	if txs != 0 {
		t.Fatalf("the model was staged in %d transactions at the default chunk size", txs)
	}

	withChunk(t, 4<<10)
	staged := newStore(t)
	if _, err := staged.Create(mustNewModel("Before")); err != nil {
		t.Fatal(err)
	}
	m2 := stagedModel(t)
	id2, err := staged.Create(m2)
	if err != nil {
		t.Fatal(err)
	}
	if txs < 4 {
		t.Fatalf("staged in %d transactions, want several chunks and the last", txs)
	}
	if id2 != "2" || m2.ID != "2" {
		t.Fatalf("staged model id %q (m.ID %q), want 2", id2, m2.ID)
	}
	if hasStaging(t, staged) {
		t.Error("the staging bucket is left after the model was placed")
	}
	a, b := storedValues(t, one, id1), storedValues(t, staged, id2)
	for k := range maps.Keys(a) {
		if strings.HasPrefix(k, "/history/") || k == "/summary" {
			continue // they hold the time of the creation and its sequence number
		}
		if a[k] != b[k] {
			t.Errorf("%s differs:\none transaction %.80q\nstaged          %.80q", k, a[k], b[k])
		}
	}
	if len(a) != len(b) {
		t.Errorf("%d keys written in one transaction, %d staged", len(a), len(b))
	}
	for _, r := range m.Records() {
		data, err := json.Marshal(r.Value)
		if err != nil {
			t.Fatal(err)
		}
		key := r.ID
		if singleton(r.Kind) {
			key = string(singletonKey)
		}
		if got, want := b["/"+string(r.Kind)+"/"+key], string(seal([]byte(r.Kind), []byte(key), data)); got != want {
			t.Errorf("%s %s: stored %.60q, json.Marshal sealed gives %.60q", r.Kind, r.ID, got, want)
		}
	}

	for _, s := range []*Store{one, staged} {
		path := s.Path()
		s.Close()
		r, err := Open(path, Options{ReadOnly: true})
		if err != nil {
			t.Fatal(err)
		}
		got, err := r.Find("Staged")
		if err != nil {
			t.Fatal(err)
		}
		if g := recordsJSON(t, got); !slices.Equal(g, want) {
			t.Errorf("%s: the loaded model differs from the one created", path)
		}
		sums, err := r.List()
		if err != nil || sums[len(sums)-1].Threats != 400 {
			t.Errorf("%s: listed %+v, %v", path, sums, err)
		}
		h, err := r.History(got.ID, 0)
		if err != nil || len(h) != 1 || h[0].Label != "Created model Staged" {
			t.Errorf("%s: history %+v, %v", path, h, err)
		}
		r.Close()
	}
}

// A staged create that fails in any of its transactions (the first chunk,
// one in the middle, the one placing the model) leaves the workbook as it
// was: the same models, no staging bucket, and the next model takes the
// id the failed one would have had.
func TestStagedCreateFailureLeavesWorkbook(t *testing.T) {
	withChunk(t, 4<<10)
	total := 0
	{
		withHook(t, func(n int) error { total = n; return nil })
		s := newStore(t)
		if _, err := s.Create(stagedModel(t)); err != nil {
			t.Fatal(err)
		}
	}
	full := errors.New("no space left on device")
	for _, at := range []int{1, total / 2, total} {
		t.Run(fmt.Sprint(at), func(t *testing.T) {
			s := newStore(t)
			if _, err := s.Create(richModel(t, "Kept")); err != nil {
				t.Fatal(err)
			}
			before := contentsOf(t, s)
			withHook(t, func(n int) error {
				if n == at {
					return full
				}
				return nil
			})
			m := stagedModel(t)
			if _, err := s.Create(m); !errors.Is(err, full) || !strings.Contains(err.Error(), "cannot save the new model") {
				t.Fatalf("create failing in transaction %d of %d: %v", at, total, err)
			}
			if m.ID != "" {
				t.Errorf("the failed model got id %q", m.ID)
			}
			if hasStaging(t, s) {
				t.Error("the failed create left its staging bucket")
			}
			if got := contentsOf(t, s); !maps.EqualFunc(got, before, slices.Equal) {
				t.Error("the workbook changed")
			}
			stageHook = nil
			if id, err := s.Create(stagedModel(t)); err != nil || id != "2" {
				t.Fatalf("the next create: id %q, %v", id, err)
			}
			path := s.Path()
			s.Close()
			re, err := Open(path, Options{})
			if err != nil || re.Damaged() != nil {
				t.Fatalf("reopened: %v, damage %v", err, re.Damaged())
			}
			re.Close()
		})
	}
}

// A process killed in the middle of a staged create leaves its staging
// bucket: read-only opens, listing, loading, backup and salvage look past
// it, the open check passes, and the next writable open removes it.
func TestKilledStagedCreate(t *testing.T) {
	path, before := killedWorkbook(t)

	ro, err := Open(path, Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only open after the kill: %v", err)
	}
	if ro.Damaged() != nil {
		t.Fatalf("damaged after the kill: %v", ro.Damaged())
	}
	if !hasStaging(t, ro) {
		t.Fatal("the child left no staging bucket: it was not killed in the middle of its create")
	}
	if got := readContents(t, path); !maps.EqualFunc(got, before, slices.Equal) {
		t.Error("a read-only open sees more than the models there were")
	}
	backup := filepath.Join(t.TempDir(), "backup.db")
	if err := ro.Backup(backup); err != nil {
		t.Fatal(err)
	}
	ro.Close()

	rep, err := Salvage(path, filepath.Join(t.TempDir(), "salvaged.db"))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Models) != 1 || len(rep.Models[0].Lost) != 0 || len(rep.Lost) != 0 {
		t.Errorf("salvage found %+v", rep)
	}

	for _, p := range []string{path, backup} {
		s, err := Open(p, Options{})
		if err != nil || s.Damaged() != nil {
			t.Fatalf("%s: writable open: %v, damage %v", p, err, s.Damaged())
		}
		if hasStaging(t, s) {
			t.Errorf("%s: a writable open left the staging bucket", p)
		}
		if id, err := s.Create(mustNewModel("After")); err != nil || id != "2" {
			t.Errorf("%s: create after the kill: id %q, %v", p, id, err)
		}
		s.Close()
		// The file checks out deeply: no pages lost, every count right.
		ro, err := Open(p, Options{ReadOnly: true})
		if err != nil || ro.Damaged() != nil {
			t.Fatalf("%s: %v, damage %v", p, err, ro.Damaged())
		}
		ro.Close()
	}
}

// A damaged staging bucket is damage like any other: the file is not
// written any more, but every model in it still lists and loads.
func TestDamagedStagingBucket(t *testing.T) {
	path, _ := killedWorkbook(t)
	data := readFile(t, path)
	at := bytes.Index(data, []byte("Staged by a child"))
	if at < 0 {
		t.Fatal("no staged threat in the file")
	}
	data[at] ^= 0x20
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatalf("open: %v", err)
	}
	defer s.Close()
	if err := s.Damaged(); err == nil || !strings.Contains(err.Error(), "unfinished import") {
		t.Fatalf("damage reported: %v", err)
	}
	sums, err := s.List()
	if err != nil || len(sums) != 1 || sums[0].Damage != "" {
		t.Fatalf("listed %+v, %v", sums, err)
	}
	if _, err := s.Load(sums[0].ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(mustNewModel("After")); err == nil {
		t.Fatal("a damaged workbook was written")
	}
}

// contentsOf reads every model of an open store.
func contentsOf(t testing.TB, s *Store) contents {
	t.Helper()
	sums, err := s.List()
	if err != nil {
		t.Fatal(err)
	}
	out := contents{}
	for _, sum := range sums {
		m, err := s.Load(sum.ID)
		if err != nil {
			t.Fatal(err)
		}
		out[sum.ID] = recordsOf(m)
	}
	return out
}

// killedWorkbook is a workbook holding one model, "Kept", into which a
// child was killed in the middle of a staged create (killedChild), with
// the contents it had before.
func killedWorkbook(t *testing.T) (string, contents) {
	t.Helper()
	path, before := keptWorkbook(t)
	killedChild(t, path)
	return path, before
}

// keptWorkbook is a closed workbook holding one model, "Kept", and its
// contents.
func keptWorkbook(t *testing.T) (string, contents) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "w.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Create(richModel(t, "Kept")); err != nil {
		t.Fatal(err)
	}
	before := contentsOf(t, s)
	s.Close()
	return path, before
}

// killedChild runs a child that stages a large model into the workbook
// at path and is killed (SIGKILL, by itself) in its twentieth
// transaction, when some of its threats are staged.
func killedChild(t *testing.T, path string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStagedKill$")
	cmd.Env = append(os.Environ(), "STORE_STAGE_KILL="+path)
	out, err := cmd.CombinedOutput()
	if ee, ok := errors.AsType[*exec.ExitError](err); !ok || ee.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("the child was not killed: %v\n%s", err, out)
	}
}

// TestHelperStagedKill is killedChild's child.
func TestHelperStagedKill(t *testing.T) {
	path := os.Getenv("STORE_STAGE_KILL")
	if path == "" {
		t.Skip("helper process only")
	}
	stageChunkBytes = 4 << 10
	stageHook = func(n int) error {
		if n == 20 {
			syscall.Kill(os.Getpid(), syscall.SIGKILL)
			select {}
		}
		return nil
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	m := stagedModel(t)
	for i := range m.Threats {
		m.Threats[i].Description = "Staged by a child"
	}
	_, err = s.Create(m)
	t.Fatalf("the create returned (%v) instead of the child being killed", err)
}

// Staged creates running at once (two imports through a live host) each
// have their own staging bucket: both models arrive whole, and the
// staging bucket goes with the last of them.
func TestConcurrentStagedCreates(t *testing.T) {
	withChunk(t, 4<<10)
	s := newStore(t)
	want := recordsJSON(t, stagedModel(t))
	ids := make([]string, 4)
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	for i := range ids {
		m := stagedModel(t)
		wg.Go(func() { ids[i], errs[i] = s.Create(m) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("create %d: %v", i, err)
		}
	}
	slices.Sort(ids)
	if !slices.Equal(ids, []string{"1", "2", "3", "4"}) {
		t.Fatalf("ids %v", ids)
	}
	if hasStaging(t, s) {
		t.Error("the staging bucket is left after every create finished")
	}
	for _, id := range ids {
		m, err := s.Load(id)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(recordsJSON(t, m), want) {
			t.Errorf("model %s differs from the one created", id)
		}
	}
}

// CreateTaking stores the same records as Create, and takes only the big
// kept documents out of the model it was given, staged or not.
func TestCreateTaking(t *testing.T) {
	for _, chunk := range []int{stageChunkBytes, 4 << 10} {
		t.Run(fmt.Sprint(chunk), func(t *testing.T) {
			withChunk(t, chunk)
			s := newStore(t)
			m := stagedModel(t)
			want := recordsJSON(t, m)
			id, err := s.CreateTaking(m)
			if err != nil {
				t.Fatal(err)
			}
			if m.ID != id {
				t.Errorf("m.ID %q, id %q", m.ID, id)
			}
			if _, ok := m.Extensions["otm"]; ok {
				t.Error("the big kept document was left in the model")
			}
			if _, ok := m.Extensions["tm-bom"]; !ok {
				t.Error("a small extension was taken out of the model")
			}
			got, err := s.Load(id)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(recordsJSON(t, got), want) {
				t.Error("the stored model differs from the one given")
			}
		})
	}
}

// A staged create that runs out of disk (a file size limit in a child
// process, which fails every write past it as a full disk would) fails
// with the reason, and the workbook is as it was: the same models, no
// staging bucket once it is opened again, nothing damaged.
func TestStagedCreateOnFullDisk(t *testing.T) {
	path, before := keptWorkbook(t)
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperStagedFullDisk$")
	cmd.Env = append(os.Environ(), "STORE_STAGE_FULL="+path)
	out, _ := cmd.CombinedOutput()
	if !strings.Contains(string(out), "cannot save the new model in workbook "+path+": ") || !strings.Contains(string(out), "file too large") {
		t.Fatalf("child said %q", out)
	}
	var written int
	if _, err := fmt.Sscanf(string(out), "%d chunks written", &written); err != nil || written < 1 {
		t.Fatalf("the disk filled before any chunk was written: %q", out)
	}
	s, err := Open(path, Options{})
	if err != nil || s.Damaged() != nil {
		t.Fatalf("open after the full disk: %v, damage %v", err, s.Damaged())
	}
	defer s.Close()
	if hasStaging(t, s) {
		t.Error("the staging bucket is left after a writable open")
	}
	if got := contentsOf(t, s); !maps.EqualFunc(got, before, slices.Equal) {
		t.Error("the workbook changed")
	}
	if id, err := s.Create(stagedModel(t)); err != nil || id != "2" {
		t.Errorf("create with room again: id %q, %v", id, err)
	}
}

// TestHelperStagedFullDisk is TestStagedCreateOnFullDisk's child.
func TestHelperStagedFullDisk(t *testing.T) {
	path := os.Getenv("STORE_STAGE_FULL")
	if path == "" {
		t.Skip("helper process only")
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	stageChunkBytes = 4 << 10
	written := 0
	stageHook = func(n int) error { written = n - 1; return nil }
	signal.Ignore(syscall.SIGXFSZ)
	// Room for the chunks of small records, not for the big one.
	lim := syscall.Rlimit{Cur: uint64(st.Size()) + 512<<10, Max: uint64(st.Size()) + 512<<10}
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skip(err)
	}
	_, err = s.Create(stagedModel(t))
	if err == nil {
		t.Fatal("the create fitted")
	}
	fmt.Printf("%d chunks written; %v\n", written, err)
}
