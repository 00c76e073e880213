// The fleet test's client: the official MCP TypeScript SDK against three
// leeloo-mcp replicas behind nginx, sharing one Redis, serving two (three)
// Leeloo accounts per request (--credentials per-request). Started by
// e2e/fleet/run.sh, which passes everything in FLEET_* variables. Prints one
// line per check and ends with "fleet: N passed, M failed".
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const env = (k) => {
  const v = process.env[k];
  if (!v) throw new Error(`fleet.mjs: ${k} is not set (run e2e/fleet/run.sh)`);
  return v;
};
const LB = env('FLEET_LB');
const REPLICAS = env('FLEET_REPLICAS').split(',');
const PIDS = env('FLEET_PIDS').split(',').map(Number);
const REDIS_PID = Number(env('FLEET_REDIS_PID'));
const FAKE = env('FLEET_FAKE');
const BEARER = env('FLEET_BEARER');
const TOKENS = { a: env('FLEET_TOKEN_A'), b: env('FLEET_TOKEN_B'), c: env('FLEET_TOKEN_C') };
const RATE = Number(env('FLEET_RATE')); // requests per minute per account
const BUDGET = Number(env('FLEET_BUDGET')); // sends per hour per account
const BURST = 10; // leeloo.DefaultRateLimiterBurst
const SESSIONS = Number(process.env.FLEET_SESSIONS ?? 50);
const ACCOUNT = '65d1c0a8e4b0a1000c000102'; // sandbox.DemoAccountID
const RUN = Date.now().toString(36);

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) passed++;
  else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${!ok && detail ? `\n     ${String(detail).slice(0, 600)}` : ''}`);
  return ok;
}
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const textOf = (res) => (res?.content ?? []).filter((c) => c.type === 'text').map((c) => c.text).join('\n');

// Session is one SDK client of one tenant through base (the balancer or a
// replica). A transport error (the spec's 404 for a session its replica no
// longer holds, a 502 while a replica dies) re-initialises and retries: safe
// for every call made here, since a confirm executes at most once whoever
// presents it.
class Session {
  constructor(base, tenant) {
    this.base = base;
    this.tenant = tenant;
    this.recovered = 0;
    this.saw404 = 0;
    this.errors = [];
  }
  async connect() {
    this.client = new Client({ name: `fleet-${this.tenant}`, version: '1.0.0' }, { capabilities: {} });
    this.transport = new StreamableHTTPClientTransport(new URL(this.base + '/mcp'), {
      requestInit: { headers: { 'X-Leeloo-AuthToken': TOKENS[this.tenant], Authorization: `Bearer ${BEARER}` } },
    });
    await this.client.connect(this.transport, { timeout: 20000 });
    return this;
  }
  get sessionId() {
    return this.transport?.sessionId ?? '';
  }
  async call(name, args) {
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.client.callTool({ name, arguments: args }, undefined, { timeout: 30000 });
      } catch (err) {
        const msg = String(err?.message ?? err);
        if (err?.code === 404) this.saw404++;
        this.errors.push(msg);
        if (attempt >= 6) throw err;
        this.recovered++;
        await sleep(100 * (attempt + 1));
        try {
          await this.client.close();
        } catch {}
        try {
          await this.connect();
        } catch (e) {
          this.errors.push(String(e?.message ?? e));
        }
      }
    }
  }
  async close() {
    try {
      await this.transport.terminateSession();
    } catch {}
    try {
      await this.client.close();
    } catch {}
  }
}

// sendOnce previews a send and confirms it: true when it was executed (or
// its confirm was already used by this very retry: executed before).
async function sendOnce(s, text) {
  const args = { account_id: ACCOUNT, text };
  const prev = await s.call('send_message', args);
  const tok = prev?.structuredContent?.confirm_token;
  if (!tok) return { ok: false, refused: true, text: textOf(prev) };
  const res = await s.call('send_message', { ...args, confirm_token: tok });
  const t = textOf(res);
  if (!res.isError) return { ok: true };
  if (/already used/.test(t)) return { ok: true, replayed: true };
  return { ok: false, text: t };
}

async function stats(since = 0) {
  return (await fetch(`${FAKE}/_fake/stats?since=${since}`)).json();
}

// stateless is one 2026-07-28 request: no session, any replica answers.
async function stateless(tenant, name, args, id) {
  const meta = {
    'io.modelcontextprotocol/protocolVersion': '2026-07-28',
    'io.modelcontextprotocol/clientInfo': { name: 'fleet-stateless', version: '1.0.0' },
    'io.modelcontextprotocol/clientCapabilities': {},
  };
  const res = await fetch(LB + '/mcp', {
    method: 'POST',
    headers: {
      'Content-Type': 'application/json', Accept: 'application/json, text/event-stream',
      'Mcp-Protocol-Version': '2026-07-28', 'Mcp-Method': 'tools/call', 'Mcp-Name': name,
      'X-Leeloo-AuthToken': TOKENS[tenant], Authorization: `Bearer ${BEARER}`,
    },
    body: JSON.stringify({ jsonrpc: '2.0', id, method: 'tools/call', params: { name, arguments: args, _meta: meta } }),
  });
  const body = await res.text();
  let json;
  try {
    const data = body.split('\n').find((l) => l.startsWith('data:'));
    json = JSON.parse(data ? data.slice(5) : body);
  } catch {
    json = { raw: body };
  }
  return { status: res.status, json, session: res.headers.get('mcp-session-id') };
}

function rateOK(st, what) {
  for (const acct of ['a', 'b', 'c']) {
    const s = st[acct];
    const lim1 = BURST + RATE / 60 + 2;
    const lim5 = BURST + (5 * RATE) / 60 + 2;
    check(s.max_1s <= lim1 && s.max_5s <= lim5, `${what}: account ${acct} saw at most ${s.max_1s}/1s, ${s.max_5s}/5s (limit ${RATE}/min, burst ${BURST})`,
      JSON.stringify({ max_1s: s.max_1s, max_5s: s.max_5s, lim1, lim5 }));
  }
}

const t0 = Date.now();
const phase = (name) => console.log(`--- ${name} (${((Date.now() - t0) / 1000).toFixed(1)}s)`);

// 1. Stateless 2026-07-28 calls land on any replica.
phase('stateless 2026-07-28 requests through the balancer');
{
  let ok = 0;
  for (let i = 0; i < 6; i++) {
    const r = await stateless(i % 2 ? 'a' : 'b', 'list_tags', {}, i + 1);
    if (r.status === 200 && r.json.result && !r.json.result.isError && !r.session) ok++;
    else console.log('     ', r.status, JSON.stringify(r.json).slice(0, 300));
  }
  check(ok === 6, `6 stateless list_tags (two tenants): ${ok} answered, none minted a session`);
}

// 2. Tenants apart; a confirm token raced from three replicas at once.
phase('confirm token: tenant B refused; raced on three replicas: executed once');
{
  const a = await new Session(LB, 'a').connect();
  const b = await new Session(LB, 'b').connect();
  const text = `fleet ${RUN} race`;
  const prev = await a.call('send_message', { account_id: ACCOUNT, text });
  const tok = prev?.structuredContent?.confirm_token;
  check(!!tok, 'tenant A previewed a send and got a confirm_token', textOf(prev));
  const rb = await b.call('send_message', { account_id: ACCOUNT, text, confirm_token: tok });
  check(rb.isError && /does not match/.test(textOf(rb)), "tenant A's confirm_token is refused for tenant B", textOf(rb));
  const racers = await Promise.all(REPLICAS.map((r) => new Session(r, 'a').connect()));
  const results = await Promise.all(racers.map((s) => s.call('send_message', { account_id: ACCOUNT, text, confirm_token: tok })));
  const wins = results.filter((r) => !r.isError).length;
  const used = results.filter((r) => r.isError && /already used/.test(textOf(r))).length;
  check(wins === 1 && used === REPLICAS.length - 1, `one confirm raced on ${REPLICAS.length} replicas: ${wins} executed, ${used} refused as used`,
    results.map(textOf).join(' | '));
  const st = await stats();
  check(st.a.sends[text] === 1 && !st.b.sends[text], 'the fake Leeloo received that send once, on account A only', JSON.stringify(st.a.sends[text]));
  await Promise.all([a, b, ...racers].map((s) => s.close()));
}

// 3. 50 concurrent sessions, two tenants, reads and guarded writes; account
// A answers 429 for a while; replica 3 is killed mid-run.
phase(`${SESSIONS} concurrent sessions, two tenants; 429s on A; replica 3 killed mid-run`);
{
  const since = Date.now();
  // Idle sessions, one per replica (round robin), used only after the kill:
  // the killed replica's is answered 404 by a stand-by and re-initialises.
  const idle = [];
  for (let i = 0; i < 3; i++) idle.push(await new Session(LB, 'a').connect());
  const sessions = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => new Session(LB, i % 2 ? 'b' : 'a').connect()));
  const homes = sessions.map((s) => s.sessionId.split('.')[0].replace('mcp-session-', ''));
  const onR3 = sessions.filter((_, i) => homes[i] === 'r3');
  check(new Set(homes).size === 3, `the sessions spread over the three replicas (${['r1', 'r2', 'r3'].map((r) => `${r}: ${homes.filter((h) => h === r).length}`).join(', ')})`);
  const errors = [];
  const sent = { a: [], b: [] };
  let bDuring429 = [];
  let limitedUntil = 0;
  const work = sessions.map(async (s, i) => {
    for (let round = 0; round < 3; round++) {
      try {
        const t1 = Date.now();
        const r = await s.call('list_tags', {});
        if (s.tenant === 'b' && t1 < limitedUntil) bDuring429.push(Date.now() - t1);
        if (r.isError) errors.push(`list_tags: ${textOf(r)}`);
        const p = await s.call('get_person_by_account', { account_id: ACCOUNT });
        if (p.isError) errors.push(`get_person_by_account: ${textOf(p)}`);
        if (round < 2) {
          const text = `fleet ${RUN} ${s.tenant} s${i} r${round}`;
          const res = await sendOnce(s, text);
          if (!res.ok) errors.push(`send ${text}: ${res.text}`);
          else sent[s.tenant].push(text);
        }
      } catch (err) {
        errors.push(`session ${i}: ${err?.message ?? err}`);
      }
    }
  });
  const chaos = (async () => {
    await sleep(300);
    await fetch(`${FAKE}/_fake/429?account=a&ms=2000`);
    limitedUntil = Date.now() + 2000;
    await sleep(700);
    process.kill(PIDS[2], 'SIGKILL');
    console.log(`     killed replica r3 (pid ${PIDS[2]}) at ${((Date.now() - t0) / 1000).toFixed(1)}s`);
  })();
  await Promise.all([...work, chaos]);
  check(errors.length === 0, `0 errors in ${SESSIONS} sessions x 3 rounds (reads) and 2 sends each`, errors.slice(0, 5).join('\n     '));
  const st = await stats(since);
  const lost = [], doubled = [];
  for (const t of ['a', 'b']) {
    for (const text of sent[t]) {
      const n = st[t].sends[text] ?? 0;
      if (n === 0) lost.push(text);
      if (n > 1) doubled.push(text);
    }
  }
  check(sent.a.length + sent.b.length === SESSIONS * 2 && lost.length === 0 && doubled.length === 0,
    `${sent.a.length + sent.b.length} sends confirmed, each delivered exactly once (lost ${lost.length}, doubled ${doubled.length})`, [...lost, ...doubled].join(', '));
  check(st.a.limited > 0, `account A answered ${st.a.limited} requests with 429 meanwhile`);
  const slowB = Math.max(0, ...bDuring429);
  check(bDuring429.length > 0 && slowB < 1000, `tenant B's reads during A's 429s were not slowed (${bDuring429.length} reads, slowest ${slowB} ms)`);
  const recovered = onR3.filter((s) => s.recovered > 0).length;
  check(onR3.length > 0 && recovered === onR3.length, `the ${onR3.length} busy sessions of the killed replica re-initialised on another`);
  const idleR3 = idle.filter((s) => s.sessionId.startsWith('mcp-session-r3.'));
  const idleRes = await Promise.all(idleR3.map((s) => s.call('list_tags', {})));
  check(idleR3.length === 1 && idleR3[0].saw404 === 1 && !idleRes[0].isError && idleR3[0].sessionId && !idleR3[0].sessionId.startsWith('mcp-session-r3.'),
    'an idle session of the killed replica is answered 404 by a stand-by, re-initialises there and goes on', idleR3.map((s) => s.errors.join(' / ')).join('; '));
  await Promise.all(idle.map((s) => s.close()));
  rateOK(st, 'per-account Leeloo request rate, 429s included');
  await Promise.all(sessions.map((s) => s.close()));
}

// 4. One tenant's budget is global across replicas.
phase(`budget: account C sends ${BUDGET + 20} at once through two replicas; ${BUDGET} go`);
{
  const since = Date.now();
  const live = REPLICAS.slice(0, 2);
  const ss = await Promise.all(Array.from({ length: 10 }, (_, i) => new Session(live[i % 2], 'c').connect()));
  const n = BUDGET + 20;
  const results = await Promise.all(Array.from({ length: n }, (_, i) => sendOnce(ss[i % ss.length], `fleet ${RUN} c ${i}`)));
  const ok = results.filter((r) => r.ok).length;
  const budgetRefused = results.filter((r) => !r.ok && /per hour|budget|max-sends-per-hour/i.test(r.text ?? '')).length;
  const st = await stats(since);
  const delivered = Object.values(st.c.sends).reduce((a, b) => a + b, 0);
  check(ok === BUDGET && delivered === BUDGET && budgetRefused === n - BUDGET,
    `${ok} of ${n} sends executed, ${delivered} delivered, ${budgetRefused} refused by the budget of ${BUDGET} per hour`,
    results.filter((r) => !r.ok).slice(0, 2).map((r) => r.text).join(' | '));
  rateOK(await stats(0), 'per-account Leeloo request rate over the whole run');
  await Promise.all(ss.map((s) => s.close()));
}

// 5. Redis stops: /readyz false, mutations fail closed, reads go on.
phase('Redis stopped: /readyz false, mutations fail closed, reads go on');
{
  const s = await new Session(LB, 'a').connect();
  const ready = async () => Promise.all(REPLICAS.slice(0, 2).map(async (r) => (await fetch(r + '/readyz')).status));
  check((await ready()).every((c) => c === 200), '/readyz is 200 on the live replicas while Redis is up');
  process.kill(REDIS_PID, 'SIGKILL');
  let codes = [];
  for (let i = 0; i < 40; i++) {
    codes = await ready();
    if (codes.every((c) => c === 503)) break;
    await sleep(100);
  }
  check(codes.every((c) => c === 503), `/readyz is 503 once Redis is gone (${codes.join(', ')})`);
  const r = await s.call('list_tags', {});
  check(!r.isError, 'a read still answers', textOf(r));
  const w = await s.call('send_message', { account_id: ACCOUNT, text: `fleet ${RUN} no redis` });
  check(w.isError && /shared state \(--state\) is unavailable/.test(textOf(w)), 'a send is refused: the state store is unavailable', textOf(w));
  const st = await stats();
  check(!st.a.sends[`fleet ${RUN} no redis`], 'nothing reached Leeloo');
  await s.close();
}

console.log(`fleet: ${passed} passed, ${failed} failed (${((Date.now() - t0) / 1000).toFixed(1)}s)`);
process.exit(failed ? 1 : 0);
