package app

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"sync"
)

// lockedWriter serialises whole-message writes to stdout, so a message the
// line cap writes itself never interleaves with the server's (mcp-go writes
// each message with one Write call).
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.w.Write(fixRPCCodes(p)); err != nil {
		return 0, err
	}
	return len(p), nil
}

// lineCap passes stdin through line by line, but a line longer than max
// bytes never reaches the server: it is read past in bounded pieces, and
// answered with a JSON-RPC error carrying the request's id when its start
// names one. The server's memory for one message stays at max.
type lineCap struct {
	r       *bufio.Reader
	max     int
	out     io.Writer
	pending []byte
}

func newLineCap(r io.Reader, max int, out io.Writer) *lineCap {
	return &lineCap{r: bufio.NewReaderSize(r, 64<<10), max: max, out: out}
}

func (l *lineCap) Read(p []byte) (int, error) {
	for len(l.pending) == 0 {
		line, err := l.next()
		if len(line) > 0 {
			l.pending = line
			break
		}
		if err != nil {
			return 0, err
		}
	}
	n := copy(p, l.pending)
	l.pending = l.pending[n:]
	return n, nil
}

// next returns the next whole line (with its newline), or nil after an
// oversized one was answered.
func (l *lineCap) next() ([]byte, error) {
	var line []byte
	for {
		chunk, err := l.r.ReadSlice('\n')
		if len(line)+len(chunk) > l.max {
			head := append(line, chunk...)
			if len(head) > 4096 {
				head = head[:4096]
			}
			if err == bufio.ErrBufferFull {
				err = l.skipLine()
			}
			l.refuse(head)
			return nil, err
		}
		line = append(line, chunk...)
		if err != bufio.ErrBufferFull {
			return line, err
		}
	}
}

func (l *lineCap) skipLine() error {
	for {
		_, err := l.r.ReadSlice('\n')
		if err != bufio.ErrBufferFull {
			return err
		}
	}
}

// refuse answers an oversized message; head is its first bytes.
func (l *lineCap) refuse(head []byte) {
	id := json.RawMessage("null")
	if v, ok := leadingID(head); ok {
		id = v
	}
	msg := fmt.Sprintf("Message too large: one JSON-RPC message may be at most %d bytes (1 MiB); it was not read, and nothing was done.", l.max)
	b, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "id": id, "error": map[string]any{"code": -32600, "message": msg}})
	_, _ = l.out.Write(append(b, '\n'))
}

// leadingID finds a request id in the first bytes of a message:
// "id": followed by a number or a short string.
func leadingID(head []byte) (json.RawMessage, bool) {
	i := bytes.Index(head, []byte(`"id"`))
	if i < 0 {
		return nil, false
	}
	rest := bytes.TrimLeft(head[i+4:], " \t")
	if len(rest) == 0 || rest[0] != ':' {
		return nil, false
	}
	rest = bytes.TrimLeft(rest[1:], " \t")
	dec := json.NewDecoder(bytes.NewReader(rest))
	var v json.RawMessage
	if dec.Decode(&v) != nil || len(v) > 100 {
		return nil, false
	}
	switch v[0] {
	case '"', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return v, true
	}
	return nil, false
}
