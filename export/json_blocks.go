package export

import (
	"runtime"
	"runtime/debug"
	"sync"
	"sync/atomic"

	"github.com/threatdeck/threatdeck/model"
)

// The threats are nearly all of a large model's document (13 MB for
// 10,000), so they are written on every CPU: in blocks of threatBlock,
// each block by whichever goroutine is free, into a buffer of its own,
// and the blocks are appended or written out in order. At most two
// blocks per CPU are made ahead of the one being written, so a streamed
// document still never holds more than a few blocks, and the buffers are
// reused rather than each block's memory being new.

// threatBlock is how many threats a block holds (about 85 KB).
const threatBlock = 64

// parallelThreatsMin is the number of threats from which they are written
// in blocks; below it, starting goroutines costs more than it saves. (A
// variable so tests can write small models in blocks.)
var parallelThreatsMin = 1000

// threats writes the threats list at depth, as list does.
func (w *jsonWriter) threats(depth int, ts []model.Threat) {
	workers := runtime.GOMAXPROCS(0)
	if len(ts) == 0 || len(ts) < parallelThreatsMin || workers < 2 {
		list(w, depth, ts, func(t *model.Threat) { w.threat(depth+1, t) })
		return
	}
	w.b = append(w.b, '[')
	w.blocks(len(ts), threatBlock, workers, func(bw *jsonWriter, i int) {
		if i > 0 {
			bw.b = append(bw.b, ',')
		}
		bw.indent(depth + 1)
		bw.threat(depth+1, &ts[i])
	})
	w.indent(depth)
	w.b = append(w.b, ']')
}

// block is one block's bytes, with the first problem writing it and a
// panic it raised (re-raised on the caller's goroutine, as in one pass).
type block struct {
	b     []byte
	err   error
	panic any
}

// blocks writes items 0 to n-1 with elem, per to a block, on up to workers
// goroutines, and adds each block to w in order: its first error is w's if
// w has none yet, as one pass keeps the first.
func (w *jsonWriter) blocks(n, per, workers int, elem func(bw *jsonWriter, i int)) {
	count := (n + per - 1) / per
	workers = min(workers, count)
	ready := make([]chan block, count)
	for k := range ready {
		ready[k] = make(chan block, 1)
	}
	// A worker takes a buffer before it takes a block, and the writer
	// gives each back once its block is out: the smallest block not yet
	// written is always being made, so the writer never waits for ever.
	free := make(chan []byte, 2*workers)
	for range 2 * workers {
		free <- nil
	}
	var next atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			// A fault reading the model (its texts may be a workbook's
			// memory map: store.ReadModel) is a panic, as in the
			// caller's goroutine, which raises it again.
			debug.SetPanicOnFault(true)
			for {
				buf := <-free
				k := int(next.Add(1)) - 1
				if k >= count {
					return
				}
				ready[k] <- makeBlock(buf[:0], k*per, min(n, (k+1)*per), elem)
			}
		})
	}
	if w.out != nil {
		w.flush()
	}
	var failure any
	for k := range ready {
		blk := <-ready[k]
		if blk.panic != nil && failure == nil {
			failure = blk.panic
		}
		if blk.err != nil {
			w.fail(blk.err)
		}
		if w.out == nil {
			w.b = append(w.b, blk.b...)
		} else {
			w.emit(blk.b)
		}
		free <- blk.b
	}
	wg.Wait()
	if failure != nil {
		panic(failure)
	}
}

// makeBlock writes items from to to-1 into buf.
func makeBlock(buf []byte, from, to int, elem func(bw *jsonWriter, i int)) (blk block) {
	bw := jsonWriter{b: buf}
	defer func() {
		if p := recover(); p != nil {
			blk = block{b: bw.b, panic: p}
		}
	}()
	for i := from; i < to; i++ {
		elem(&bw, i)
	}
	return block{b: bw.b, err: bw.err}
}
