//go:build floordeps

package main

import (
	"os"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/promhttp"
	"github.com/redis/go-redis/v9"
)

// linkDeps links go-redis and client_golang as leeloo-mcp does (a registry
// and a client that are never used on stdio), so that the floor built with
// -tags floordeps shows what linking them costs at start-up and in RSS.
func linkDeps() {
	if os.Getenv("FLOOR_NEVER_SET") == "use them" {
		_ = redis.NewClient(&redis.Options{})
		prometheus.NewRegistry().MustRegister(prometheus.NewCounter(prometheus.CounterOpts{Name: "x"}))
		_ = promhttp.Handler()
	}
}
