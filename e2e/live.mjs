// End-to-end check of leeloo-mcp's live events with the official MCP
// TypeScript SDK Client over Streamable HTTP:
//
//   LEELOO_BIN=path/to/leeloo-mcp node live.mjs     (run.sh calls it)
//
// It starts the binary (--sandbox --transport http --webhook-secret ...),
// subscribes to a chat with resources/subscribe, POSTs a Leeloo webhook for
// that account (no bearer token, as Leeloo sends it), expects
// notifications/resources/updated within a second, reads leeloo://events,
// and checks wait_for_events returning nothing at its timeout and an event as
// soon as a webhook brings one. The SDK speaks the session protocol (before
// 2026-07-28); the 2026-07-28 era (subscriptions/listen) is covered by the Go
// tests with mcp-go's client (internal/app/live_test.go, replicas_test.go).
//
// Prints `ok - ...` / `not ok - ...` per check, ends with
// `live: N passed, M failed` and exits non-zero on any failure.

import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ResourceUpdatedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import { textJSON } from './results.mjs';

const BIN = process.env.LEELOO_BIN;
if (!BIN) {
  console.error('live.mjs: set LEELOO_BIN to the leeloo-mcp binary');
  process.exit(2);
}
const ACCOUNT = '65d1c0a8e4b0a1000c000102'; // sandbox DemoAccountID
const SECRET = randomBytes(18).toString('hex');
const TOKEN = randomBytes(12).toString('hex');

let passed = 0;
let failed = 0;
const check = (cond, desc, detail) => {
  if (cond) {
    passed++;
    console.log(`ok - ${desc}`);
  } else {
    failed++;
    console.log(`not ok - ${desc}${detail ? `\n  ${String(detail).replace(/\n/g, '\n  ')}` : ''}`);
  }
  return cond;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// Start the server on a free port and learn it from its start-up line.
const srv = spawn(BIN, ['--sandbox', '--transport', 'http', '--listen', '127.0.0.1:0', '--state', 'memory'], {
  env: { PATH: process.env.PATH, HOME: process.env.HOME, LEELOO_WEBHOOK_SECRET: SECRET, LEELOO_HTTP_TOKEN: TOKEN },
  stdio: ['ignore', 'ignore', 'pipe'],
});
let stderr = '';
const base = await new Promise((resolve, reject) => {
  const t = setTimeout(() => reject(new Error(`no listening line:\n${stderr}`)), 15_000);
  srv.stderr.on('data', (d) => {
    stderr += d;
    const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(stderr);
    if (m) {
      clearTimeout(t);
      resolve(m[1]);
    }
  });
  srv.on('exit', (code) => reject(new Error(`server exited ${code}:\n${stderr}`)));
});

const webhook = (body, secret = SECRET) =>
  fetch(`${base}/webhooks/leeloo/${secret}`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Origin: 'https://leeloo.example' }, body: JSON.stringify(body),
  });
const message = (id, text) => ({ type: 'INCOMING_MESSAGE', data: { account_id: ACCOUNT, message_id: id, text } });

const transport = new StreamableHTTPClientTransport(new URL(`${base}/mcp`), {
  requestInit: { headers: { Authorization: `Bearer ${TOKEN}` } },
});
const client = new Client({ name: 'leeloo-mcp-e2e-live', version: '1.0.0' });
const updates = [];
let onUpdate = () => {};
client.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
  updates.push({ uri: n.params.uri, at: performance.now() });
  onUpdate(n.params.uri);
});

try {
  await client.connect(transport);
  check(client.getServerCapabilities()?.resources?.subscribe === true, 'initialize: resources.subscribe declared (the webhook is on)');

  const wrong = await webhook(message('w', 'x'), 'not-the-secret-0123456789');
  check(wrong.status === 404, 'webhook with a wrong secret: 404', `HTTP ${wrong.status}`);
  const garbage = await fetch(`${base}/webhooks/leeloo/${SECRET}`, { method: 'POST', body: 'not json' });
  check(garbage.status === 200, 'webhook with an undecodable body: 200 (never an error to Leeloo)', `HTTP ${garbage.status}`);

  const chat = `leeloo://chats/${ACCOUNT}`;
  await client.subscribeResource({ uri: chat });
  await sleep(300); // the GET stream is open
  const got = new Promise((resolve) => {
    onUpdate = (uri) => uri === chat && resolve(performance.now());
  });
  const t0 = performance.now();
  const res = await webhook(message('e2e-1', 'Do you ship to Lviv?'));
  check(res.status === 200, 'webhook without the bearer token: 200', `HTTP ${res.status}`);
  const at = await Promise.race([got, sleep(1000).then(() => null)]);
  check(at !== null, `notifications/resources/updated for ${chat} within a second${at ? ` (${(at - t0).toFixed(1)} ms)` : ''}`);

  const again = await webhook(message('e2e-1', 'Do you ship to Lviv?'));
  check(again.status === 200, 'a redelivered webhook: 200');

  const read = await client.readResource({ uri: 'leeloo://events' });
  const text = read.contents[0].text;
  check(text.includes(`INCOMING_MESSAGE account ${ACCOUNT}`) && text.includes('<untrusted-customer-text>Do you ship to Lviv?</untrusted-customer-text>'),
    'leeloo://events: the event, the customer text fenced', text.slice(0, 400));
  check((text.match(/Do you ship to Lviv/g) ?? []).length === 1, 'leeloo://events: the redelivery is stored once');

  let w0 = performance.now();
  let r = await client.callTool({ name: 'wait_for_events', arguments: { timeout_seconds: 1 } });
  let took = performance.now() - w0;
  check(!r.isError && r.content[0].text.includes('No new events within 1s') && took < 2500,
    `wait_for_events: nothing new, returns at its timeout (${took.toFixed(0)} ms)`, r.content[0].text);

  setTimeout(() => webhook({ type: 'ORDER', data: { order_id: 'e2e-o1', account_id: ACCOUNT, offer_name: 'Course', price: 49, currency: 'USD' } }), 300);
  w0 = performance.now();
  r = await client.callTool({ name: 'wait_for_events', arguments: { types: ['ORDER'], timeout_seconds: 20 } });
  took = performance.now() - w0;
  const waited = r.content?.[0]?.text ?? '';
  const doc = textJSON(waited);
  check(!r.isError && r.structuredContent === undefined && doc?.events?.length === 1 && doc.events[0].order?.order_id === 'e2e-o1' && took < 2000,
    `wait_for_events: the order as soon as its webhook arrives, in the text alone (${took.toFixed(0)} ms)`, waited);
} catch (e) {
  check(false, 'live checks ran', e?.stack ?? e);
} finally {
  await client.close().catch(() => {});
  srv.kill('SIGTERM');
}
console.log(`live: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
