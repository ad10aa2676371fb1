package main

import (
	"bufio"
	"io"
)

// stdoutBuffer is how much of a streamed export is gathered before it is
// written to stdout: writes of whole pieces, not of each line.
const stdoutBuffer = 64 << 10

// streamOut runs write into a buffer over out and flushes it. The first
// failure to write to out is returned as it is, ahead of any error write
// returns (which a failed write also causes); otherwise write's error.
func streamOut(out io.Writer, write func(io.Writer) error) error {
	sw := &stickyWriter{w: out}
	bw := bufio.NewWriterSize(sw, stdoutBuffer)
	err := write(bw)
	if ferr := bw.Flush(); err == nil {
		err = ferr
	}
	if sw.err != nil {
		return sw.err
	}
	return err
}

// stickyWriter keeps the first error of writing to w.
type stickyWriter struct {
	w   io.Writer
	err error
}

func (s *stickyWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	s.err = err
	return n, err
}
