// bench/fleet's load: the fleet of e2e/fleet/run.sh (FLEET_N replicas
// behind nginx, one Redis, the fake Leeloo), 64 TypeScript SDK sessions of
// two tenants, each looping list_tags, get_person_by_account and a
// confirmed send_message (preview + confirm) for BENCH_SECONDS; then the
// Redis commands per call, from INFO commandstats. Prints one JSON line.
import { execFileSync } from 'node:child_process';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const LB = process.env.FLEET_LB;
const TOKENS = { a: process.env.FLEET_TOKEN_A, b: process.env.FLEET_TOKEN_B };
const BEARER = process.env.FLEET_BEARER;
const SESSIONS = Number(process.env.BENCH_SESSIONS ?? 64);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 10);
const ACCOUNT = '65d1c0a8e4b0a1000c000102';

async function connect(tenant) {
  const client = new Client({ name: 'fleet-bench', version: '1.0.0' }, { capabilities: {} });
  const transport = new StreamableHTTPClientTransport(new URL(LB + '/mcp'), {
    requestInit: { headers: { 'X-Leeloo-AuthToken': TOKENS[tenant], Authorization: `Bearer ${BEARER}` } },
  });
  await client.connect(transport);
  return client;
}

function redisCalls() {
  const out = execFileSync('redis-cli', ['-p', process.env.FLEET_REDIS_PORT, 'info', 'commandstats'], { encoding: 'utf8' });
  let n = 0;
  for (const m of out.matchAll(/^cmdstat_(\w+):calls=(\d+)/gm)) if (m[1] !== 'info') n += Number(m[2]);
  return n;
}

const clients = await Promise.all(Array.from({ length: SESSIONS }, (_, i) => connect(i % 2 ? 'b' : 'a')));
const lat = [];
let errors = 0;
let seq = 0;
const until = Date.now() + SECONDS * 1000;
const timed = async (c, name, args) => {
  const t = performance.now();
  const r = await c.callTool({ name, arguments: args });
  lat.push(performance.now() - t);
  if (r.isError) errors++;
  return r;
};
await Promise.all(clients.map(async (c, i) => {
  while (Date.now() < until) {
    await timed(c, 'list_tags', {});
    await timed(c, 'get_person_by_account', { account_id: ACCOUNT });
    const text = `bench ${i} ${seq++} ${Date.now()}`;
    const p = await timed(c, 'send_message', { account_id: ACCOUNT, text });
    await timed(c, 'send_message', { account_id: ACCOUNT, text, confirm_token: p.structuredContent?.confirm_token });
  }
}));
lat.sort((x, y) => x - y);
const q = (f) => lat[Math.min(lat.length - 1, Math.floor(f * lat.length))];

// Redis commands per call, one session, one call at a time.
const c = clients[0];
const K = 20;
const per = async (fn) => {
  const before = redisCalls();
  for (let i = 0; i < K; i++) await fn(i);
  return (redisCalls() - before) / K;
};
const readRT = await per(() => c.callTool({ name: 'list_tags', arguments: {} }));
const tokens = [];
const previewRT = await per(async (i) => {
  const r = await c.callTool({ name: 'send_message', arguments: { account_id: ACCOUNT, text: `rt ${i} ${Date.now()}` } });
  tokens.push([r.structuredContent?.confirm_token, r.structuredContent?.preview]);
});
const texts = [];
const sendRT = await per(async (i) => {
  const text = `rt2 ${i} ${Date.now()}`;
  const p = await c.callTool({ name: 'send_message', arguments: { account_id: ACCOUNT, text } });
  texts.push([text, p.structuredContent?.confirm_token]);
});
const confirmRT = await per(async (i) => {
  const [text, tok] = texts[i];
  await c.callTool({ name: 'send_message', arguments: { account_id: ACCOUNT, text, confirm_token: tok } });
});
await Promise.all(clients.map((x) => x.close()));
console.log(JSON.stringify({
  replicas: Number(process.env.FLEET_N ?? 3), sessions: SESSIONS, seconds: SECONDS, calls: lat.length, errors,
  calls_per_s: Math.round(lat.length / SECONDS), p50_ms: Number(q(0.5).toFixed(1)), p99_ms: Number(q(0.99).toFixed(1)),
  redis_per_read: readRT, redis_per_preview: previewRT, redis_per_confirm: confirmRT,
}));
