// Package redistest runs a throwaway redis-server for tests: Debian's
// redis-server on a free loopback port in a temporary directory, no
// persistence, killed when the test ends.
package redistest

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"testing"
	"time"
)

// Server is a running redis-server.
type Server struct {
	URL  string // redis://127.0.0.1:PORT/0
	Addr string
	cmd  *exec.Cmd
}

// Start starts a redis-server for t. Without redis-server on PATH the test
// is skipped, unless CI=true, where it fails: CI installs it (.ci/run).
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("redis-server")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("redis-server is not on PATH (CI=true: .ci/run installs it with apt-get install redis-server)")
		}
		t.Skip("redis-server is not on PATH; apt-get install redis-server to run the Redis tests")
	}
	for attempt := 0; attempt < 5; attempt++ {
		port := freePort(t)
		cmd := exec.Command(bin, "--port", strconv.Itoa(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
			"--dir", t.TempDir(), "--protected-mode", "yes", "--loglevel", "warning")
		var out strings.Builder
		cmd.Stdout, cmd.Stderr = &out, &out
		if err := cmd.Start(); err != nil {
			t.Fatalf("starting redis-server: %v", err)
		}
		s := &Server{Addr: "127.0.0.1:" + strconv.Itoa(port), URL: fmt.Sprintf("redis://127.0.0.1:%d/0", port), cmd: cmd}
		if s.ready(5 * time.Second) {
			t.Cleanup(s.Kill)
			return s
		}
		s.Kill()
		t.Logf("redis-server on port %d did not come up (retrying): %s", port, out.String())
	}
	t.Fatal("redis-server did not start")
	return nil
}

// Kill stops the server at once (a Redis that went down).
func (s *Server) Kill() {
	if s.cmd.Process != nil {
		_ = s.cmd.Process.Kill()
		_ = s.cmd.Wait()
	}
}

func (s *Server) ready(within time.Duration) bool {
	deadline := time.Now().Add(within)
	for {
		c, err := net.DialTimeout("tcp", s.Addr, 200*time.Millisecond)
		if err == nil {
			_ = c.SetDeadline(time.Now().Add(time.Second))
			_, _ = c.Write([]byte("PING\r\n"))
			line, _ := bufio.NewReader(c).ReadString('\n')
			_ = c.Close()
			if strings.HasPrefix(line, "+PONG") {
				return true
			}
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}
