package app

import (
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/leeloo-mcp/leeloo-mcp/guard"
	"github.com/leeloo-mcp/leeloo-mcp/leeloo"
)

// resolveState turns --state into memory, file:ABSPATH, redis://... or
// rediss://.... Unset, the sandbox keeps its guard state in memory (like its
// demo data) and a real account uses the embedded file.
func resolveState(v string, sandbox bool, getenv func(string) string) (string, error) {
	v = strings.TrimSpace(v)
	switch {
	case v == "" && sandbox, v == "memory":
		return "memory", nil
	case v == "":
		path := defaultStatePath(getenv)
		if path == "" {
			return "memory-nohome", nil
		}
		return "file:" + path, nil
	case strings.HasPrefix(v, "redis://"), strings.HasPrefix(v, "rediss://"):
		return v, nil
	case strings.HasPrefix(v, "file:"):
		v = strings.TrimPrefix(v, "file:")
	case strings.Contains(v, "://"):
		return "", errors.New("--state: want a file path, file:PATH, redis://..., rediss://... or memory")
	}
	if v == "" {
		return "", errors.New("--state file: needs a path")
	}
	abs, err := filepath.Abs(v)
	if err != nil {
		return "", fmt.Errorf("--state %q: %w", v, err)
	}
	return "file:" + abs, nil
}

// defaultStatePath is leeloo-mcp/guard.db under $XDG_STATE_HOME, else under
// ~/.local/state, from the environment Run was given; "" without either.
func defaultStatePath(getenv func(string) string) string {
	if dir := getenv("XDG_STATE_HOME"); filepath.IsAbs(dir) {
		return filepath.Join(dir, "leeloo-mcp", "guard.db")
	}
	if home := getenv("HOME"); home != "" {
		return filepath.Join(home, ".local", "state", "leeloo-mcp", "guard.db")
	}
	return ""
}

// stateTenant keeps the sandbox's guard state apart from a real account's
// in a shared store.
func stateTenant(cfg *Config) string {
	if cfg.Sandbox {
		return "sandbox"
	}
	return ""
}

// newStore builds the guard's store; nothing is opened or dialled here (the
// file is created by the first mutation, Redis dialled by the first command).
func newStore(cfg *Config, log *slog.Logger) (guard.Store, error) {
	switch s := cfg.state; {
	case s == "memory-nohome":
		log.Warn("neither HOME nor XDG_STATE_HOME is set: the guard's state (single-use tokens, duplicate guard, send budget) is kept in this process only; pass --state to share it")
		return guard.NewMemoryStore(nil), nil
	case s == "memory":
		return guard.NewMemoryStore(nil), nil
	case strings.HasPrefix(s, "file:"):
		return guard.NewFileStore(strings.TrimPrefix(s, "file:"), guard.FileOptions{}), nil
	default:
		return guard.NewRedisStore(s, 0)
	}
}

// sharedRateLimiter paces Leeloo requests through Redis, so replicas keep
// the account's limit together and a 429 slows them all. The file store
// does not: every read would pay a synced file transaction, and reads must
// cost the store nothing; processes on one machine pace themselves.
func sharedRateLimiter(cfg *Config, store guard.Store, tenant, account string, log *slog.Logger) leeloo.RateLimiter {
	if cfg.Sandbox || cfg.RateLimit <= 0 || !strings.HasPrefix(cfg.state, "redis") {
		return nil
	}
	return guard.NewSharedRateLimiter(store, tenant, account, cfg.RateLimit, leeloo.DefaultRateLimiterBurst, log)
}
