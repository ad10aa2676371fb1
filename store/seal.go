package store

import (
	"encoding/binary"
	"hash/crc32"

	bolt "go.etcd.io/bbolt"
)

// Schema 2 seals every record so that damage bbolt cannot see is found:
//
//   - Each value in a sealed bucket ends with a CRC-32C (Castagnoli, 4
//     bytes, little endian) of the bucket's name, the key and the value
//     before it, written in the same transaction as the value. A flipped
//     bit in a record, in its key, or in the name of the bucket holding it
//     then fails the check.
//   - A sealed bucket's bbolt sequence holds sealMark plus the number of
//     entries (values and sub-buckets) directly in it, kept by every put
//     and delete. A branch or leaf page whose element count was lowered
//     drops entries without any page becoming unreachable; the count then
//     disagrees.
//
// Which buckets are sealed is recorded in each bucket's own header (the
// mark), so the check is generic: every bucket created through
// createBucket, and every value written through putValue, is covered,
// whatever record kind it holds. Buckets whose sequence issues ids (models,
// a library's versions) cannot hold a count: they are unsealed and, for
// models, meta's sealed "models" key counts their entries instead. The
// meta bucket's app and schema keys stay plain, since a file is classified
// by them before its schema is known.
const sealMark = uint64(1) << 63

// sumLen is the length of a sealed value's checksum trailer.
const sumLen = 4

var castagnoli = crc32.MakeTable(crc32.Castagnoli)

// keyModels in meta holds the number of model buckets (schema 2), sealed.
var keyModels = []byte("models")

// recordSum is the checksum of one record: its bucket's name, key and value.
func recordSum(bucket, key, payload []byte) uint32 {
	return sumOf(bucket).record(key, payload)
}

// bucketSum is the checksum state after a bucket's name: computed once per
// bucket when many of its records are checked (a load checks thousands,
// and short updates dominate the cost).
type bucketSum uint32

func sumOf(bucket []byte) bucketSum {
	return bucketSum(crc32.Update(crc32.Update(0, castagnoli, bucket), castagnoli, separator))
}

// record continues the checksum with a record's key and value.
func (b bucketSum) record(key, payload []byte) uint32 {
	c := crc32.Update(uint32(b), castagnoli, key)
	c = crc32.Update(c, castagnoli, separator)
	return crc32.Update(c, castagnoli, payload)
}

// separator keeps the checksummed fields apart; a package variable, since
// a literal passed to crc32.Update escapes and cost two allocations per
// record loaded.
var separator = []byte{0}

// seal appends the checksum trailer to payload (in a new slice).
func seal(bucket, key, payload []byte) []byte {
	out := make([]byte, len(payload)+sumLen)
	copy(out, payload)
	binary.LittleEndian.PutUint32(out[len(payload):], recordSum(bucket, key, payload))
	return out
}

// unseal checks a sealed value and returns its payload (a subslice).
func unseal(bucket, key, raw []byte) ([]byte, bool) {
	return sumOf(bucket).unseal(key, raw)
}

// unseal checks a sealed value of the bucket and returns its payload.
func (b bucketSum) unseal(key, raw []byte) ([]byte, bool) {
	if len(raw) < sumLen {
		return nil, false
	}
	payload := raw[:len(raw)-sumLen]
	return payload, binary.LittleEndian.Uint32(raw[len(payload):]) == b.record(key, payload)
}

// plainMeta reports the meta keys that are never sealed.
func plainMeta(bucket, key []byte) bool {
	return string(bucket) == string(bucketMeta) && (string(key) == string(keyApp) || string(key) == string(keySchema))
}

// isSealed reports whether a bucket header carries the seal mark.
func isSealed(b *bolt.Bucket) bool { return b.Sequence()&sealMark != 0 }

// getValue returns the payload of key in b (a bucket named name), checking
// its checksum when b is sealed. ok is false when the checksum fails;
// a missing key gives nil, true.
func getValue(b *bolt.Bucket, name, key []byte) (payload []byte, ok bool) {
	raw := b.Get(key)
	if raw == nil || !isSealed(b) || plainMeta(name, key) {
		return raw, true
	}
	return unseal(name, key, raw)
}

// putValue writes payload under key in b (a bucket named name), sealed and
// counted when b is sealed.
func putValue(b *bolt.Bucket, name, key, payload []byte) error {
	if isSealed(b) && !plainMeta(name, key) {
		payload = seal(name, key, payload)
	}
	return putRaw(b, key, payload)
}

// putRaw writes value under key in b as it is (sealed already when b is),
// counting a new key in a sealed bucket.
func putRaw(b *bolt.Bucket, key, value []byte) error {
	if isSealed(b) && b.Get(key) == nil {
		if err := count(b, 1); err != nil {
			return err
		}
	}
	return b.Put(key, value)
}

// deleteValue removes key from b, keeping a sealed bucket's count.
func deleteValue(b *bolt.Bucket, key []byte) error {
	if isSealed(b) && b.Get(key) != nil {
		if err := count(b, -1); err != nil {
			return err
		}
	}
	return b.Delete(key)
}

// createBucket returns parent's sub-bucket name, creating it sealed (and
// counting it in parent, when parent is sealed) if it does not exist.
func createBucket(parent *bolt.Bucket, name []byte) (*bolt.Bucket, error) {
	if b := parent.Bucket(name); b != nil {
		return b, nil
	}
	b, err := parent.CreateBucket(name)
	if err != nil {
		return nil, err
	}
	if isSealed(parent) {
		if err := count(parent, 1); err != nil {
			return nil, err
		}
	}
	return b, b.SetSequence(sealMark)
}

// deleteBucket removes parent's sub-bucket name, keeping parent's count.
func deleteBucket(parent *bolt.Bucket, name []byte) error {
	if isSealed(parent) && parent.Bucket(name) != nil {
		if err := count(parent, -1); err != nil {
			return err
		}
	}
	return parent.DeleteBucket(name)
}

// count adds d to a sealed bucket's entry count.
func count(b *bolt.Bucket, d int) error {
	return b.SetSequence(sealMark | uint64(int64(b.Sequence()&^sealMark)+int64(d)))
}

// entries is a sealed bucket's recorded entry count.
func entries(seq uint64) uint64 { return seq &^ sealMark }
