// End-to-end check of leeloo-mcp with the official MCP TypeScript SDK Client.
//
//   node client.mjs        (run.sh calls it; see README.md)
//
// It runs the same checks over stdio, legacy SSE and Streamable HTTP:
// initialize, tools/list (the tools of testdata/catalog.json, every inputSchema
// compiled with Ajv), every read tool with valid and some with bad arguments,
// every mutating tool through the guard with an elicitation handler that
// accepts and one that declines (with follow-up reads that show the change, or
// that nothing changed), the approval page of --confirm auto for a client
// without elicitation, and resources and prompts when the server
// declares them.
//
// Environment (all set by run.sh):
//   E2E_MCP_URL    Streamable HTTP endpoint, e.g. http://127.0.0.1:PORT/mcp
//   E2E_SSE_URL    legacy SSE endpoint, e.g. http://127.0.0.1:PORT/sse
//                  (the server behind both must serve --toolsets all)
//   E2E_STDIO_CMD  stdio server command, split on spaces (used when LEELOO_BIN
//                  is unset); --sandbox --toolsets all --confirm auto are added
//   LEELOO_BIN     the leeloo-mcp binary; without E2E_MCP_URL/E2E_SSE_URL this
//                  script starts its own HTTP server from it
//   E2E_SSE=0      skip the legacy SSE transport
//   E2E_TRANSPORTS comma-separated subset of stdio,sse,http (default all)
//
// Prints `ok - ...` / `not ok - ...` per check (and `skip - ...` for what the
// server does not offer yet), ends with `client: N passed, M failed` and exits
// non-zero on any failure.

import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport, getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { textJSON, transcript } from './results.mjs';

// Ajv and ajv-formats are dependencies of the SDK (locked in package-lock.json).
const require = createRequire(import.meta.url);
const Ajv2020 = require('ajv/dist/2020.js').default ?? require('ajv/dist/2020.js');
const addFormats = require('ajv-formats').default ?? require('ajv-formats');

// ------------------------------------------------------------------ constants

const REQUEST_TIMEOUT_MS = 10_000;
const CONNECT_TIMEOUT_MS = 10_000;
const TOTAL_BUDGET_MS = 55_000;
const started = Date.now();

// The committed catalogue (testdata/catalog.json, generated from the tools
// package and kept current by its tests): name -> kind, R = read-only,
// W = mutating (wait_for_events is checked by live.mjs).
const CATALOGUE = JSON.parse(readFileSync(new URL('../testdata/catalog.json', import.meta.url), 'utf8'));
const EXPECTED_TOOLS = Object.fromEntries(CATALOGUE.map((t) => [t.name, t.kind === 'R' ? 'R' : 'W']));
const READ_TOOLS = CATALOGUE.filter((t) => t.kind === 'R').length;

// Fixed ids of the sandbox seed (leeloo/sandbox/ids.go).
const SB = {
  DemoPersonID: '65d1c0a8e4b0a1000c000101',
  DemoAccountID: '65d1c0a8e4b0a1000c000102',
  FacebookAccountID: '65d1c0a8e4b0a1000c000202',
  ManualOrderID: '65d1c0a8e4b0a1000c000501',
  PaidOrderID: '65d1c0a8e4b0a1000c000502',
  VIPTagID: '65d1c0a8e4b0a1000c000601',
  VIPTagName: 'VIP',
  LeadTagID: '65d1c0a8e4b0a1000c000602',
  LeadTagName: 'Lead',
  TunnelID: '65d1c0a8e4b0a1000c000701',
  LeadgentoolID: '65d1c0a8e4b0a1000c000702',
  TemplateCategoryID: '65d1c0a8e4b0a1000c000801',
  TemplateID: '65d1c0a8e4b0a1000c000802',
  UserID: '65d1c0a8e4b0a1000c000901',
  SMSConnectionID: '65d1c0a8e4b0a1000c000a02',
  PaymentCreditsID: '65d1c0a8e4b0a1000c000b01',
  OfferID: '65d1c0a8e4b0a1000c000c01',
};
// tunnel_block_id: blocks are not modelled by the sandbox, any well-formed id works.
const BLOCK_ID = 'e2e0000000000000000000b1';

// Values for resource-template variables and prompt arguments, by name.
const ARG_VALUES = {
  account_id: SB.DemoAccountID, person_id: SB.DemoPersonID, tunnel_id: SB.TunnelID, order_id: SB.PaidOrderID,
  user_id: SB.UserID, manager_id: SB.UserID, category_id: SB.TemplateCategoryID, template_id: SB.TemplateID,
  tag_id: SB.VIPTagID, tag: SB.VIPTagName, leadgentool_id: SB.LeadgentoolID, connection_id: SB.SMSConnectionID,
  type: 'INCOMING_MESSAGE',
};

// A unique marker for this run, so repeated runs against one server never hit
// the guard's duplicate window and follow-up reads find exactly our changes.
const RUN = `${Date.now().toString(36)}${process.pid.toString(36)}`;

// ------------------------------------------------------------------- counting

let passed = 0;
let failed = 0;
let skipped = 0;

function check(cond, desc, detail) {
  if (cond) {
    passed++;
    console.log(`ok - ${desc}`);
  } else {
    failed++;
    console.log(`not ok - ${desc}`);
    if (detail !== undefined && detail !== '') {
      for (const line of String(detail).split('\n').slice(0, 12)) console.log(`    ${line}`);
    }
  }
  return !!cond;
}

function skip(desc, reason) {
  skipped++;
  console.log(`skip - ${desc}: ${reason}`);
}

// The final line must be exactly `client: N passed, M failed`: print the skip
// count before it.
function summary() {
  if (skipped) console.log(`# ${skipped} checks skipped (not offered by the server yet)`);
  console.log(`client: ${passed} passed, ${failed} failed`);
}

const watchdog = setTimeout(() => {
  failed++;
  console.log(`not ok - whole run finished within ${TOTAL_BUDGET_MS / 1000} s (still running; aborted)`);
  summary();
  process.exit(1);
}, TOTAL_BUDGET_MS);
watchdog.unref();

// -------------------------------------------------------------------- helpers

const short = (s, n = 300) => {
  const t = typeof s === 'string' ? s : JSON.stringify(s);
  return t === undefined ? String(t) : t.length > n ? `${t.slice(0, n)}…` : t;
};

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([
    promise,
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}

function textOf(res) {
  return (res?.content ?? [])
    .filter((c) => c.type === 'text')
    .map((c) => c.text)
    .join('\n');
}

const ajv = new Ajv2020({ strict: true, allErrors: true });
addFormats(ajv);
const validators = new Map(); // tool name -> compiled inputSchema

function schemaProblems(name, args) {
  const v = validators.get(name);
  if (!v || v(args)) return '';
  return ajv.errorsText(v.errors);
}

// A session with one server over one transport.
class Session {
  constructor(label, transport, client, stderr) {
    this.label = label;
    this.transport = transport;
    this.client = client;
    this.stderr = stderr;
    this.elicits = [];
  }

  // callTool that never throws: {res} or {err} (a protocol error or timeout).
  async call(name, args) {
    try {
      const res = await this.client.callTool({ name, arguments: args }, undefined, { timeout: REQUEST_TIMEOUT_MS });
      const text = textOf(res);
      // sc: the structured content (writes, previews); doc: the result's
      // JSON document, which a read carries in its text alone.
      return { res, text, sc: res.structuredContent, doc: res.structuredContent ?? textJSON(text) };
    } catch (err) {
      return { err, text: '' };
    }
  }

  async close() {
    try {
      await withTimeout(this.client.close(), 5_000, 'close');
    } catch {
      /* the process or connection is gone either way */
    }
  }
}

function stdioCommand() {
  let cmd;
  if (process.env.LEELOO_BIN) {
    cmd = [process.env.LEELOO_BIN];
  } else if (process.env.E2E_STDIO_CMD) {
    cmd = process.env.E2E_STDIO_CMD.split(' ').filter(Boolean);
  } else {
    return null;
  }
  if (!cmd.includes('--sandbox')) cmd.push('--sandbox');
  // The last occurrence of a flag wins in Go's flag package.
  cmd.push('--toolsets', 'all', '--confirm', 'auto');
  return cmd;
}

// connect opens a session; elicit is 'accept', 'decline' or null (no
// elicitation capability at all).
async function connect(kind, urls, elicit) {
  const capabilities = elicit ? { elicitation: { form: {} } } : {};
  const client = new Client({ name: `leeloo-e2e-${elicit ?? 'noelicit'}`, version: '1.0.0' }, { capabilities });
  const stderr = [];
  let transport;
  if (kind === 'stdio') {
    const [command, ...args] = stdioCommand();
    transport = new StdioClientTransport({ command, args, env: getDefaultEnvironment(), stderr: 'pipe' });
    // Drain the server's stderr (so it never blocks) and keep the tail for failures.
    transport.stderr?.on('data', (b) => {
      stderr.push(String(b));
      if (stderr.length > 50) stderr.shift();
    });
  } else if (kind === 'sse') {
    transport = new SSEClientTransport(new URL(urls.sse));
  } else {
    transport = new StreamableHTTPClientTransport(new URL(urls.http));
  }
  const s = new Session(kind, transport, client, stderr);
  if (elicit) {
    client.setRequestHandler(ElicitRequestSchema, async (req) => {
      s.elicits.push(req.params);
      if (elicit === 'accept') return { action: 'accept', content: { confirm: true } };
      return { action: 'decline' };
    });
  }
  await withTimeout(client.connect(transport, { timeout: REQUEST_TIMEOUT_MS }), CONNECT_TIMEOUT_MS, `${kind} connect`);
  return s;
}

// step runs one group of checks; an unexpected exception is one failure and
// the next group still runs.
async function step(P, name, fn) {
  try {
    await fn();
  } catch (err) {
    check(false, `${P} ${name}: ran to the end`, err?.stack ?? String(err));
  }
}

// ------------------------------------------------------------ result checkers

// A successful tool result: no protocol error, isError false, text content;
// with `read`, what a read gives the model: the text alone (no structured
// copy) carrying its JSON document, or a transcript.
function expectOk(P, name, r, { read = false, what = '' } = {}) {
  const desc = `${P} ${name}${what ? ` ${what}` : ''}`;
  if (r.err) return check(false, `${desc}: tools/call answered`, `protocol error: ${r.err.message}`);
  const problems = [];
  if (r.res.isError) problems.push(`isError: ${short(r.text)}`);
  if (!r.text.trim()) problems.push('no text content');
  if (read && r.res.structuredContent !== undefined) problems.push('structuredContent beside the text: the model would read every fact twice');
  if (read && name !== 'get_chat_messages' && (typeof r.doc !== 'object' || r.doc === null)) problems.push('no JSON document after the head line');
  return check(problems.length === 0, `${desc}: isError false, text${read ? ' alone, with its JSON' : ''}`, problems.join('\n'));
}

// A tool-level error (not a protocol error) whose message contains every
// string in `mentions` (case-insensitive).
function expectToolError(P, name, r, mentions, what) {
  const desc = `${P} ${name} ${what}`;
  if (r.err) return check(false, `${desc}: isError result, not a protocol error`, `protocol error ${r.err.code}: ${r.err.message}`);
  const low = r.text.toLowerCase();
  const missing = mentions.filter((m) => !low.includes(m.toLowerCase()));
  return check(
    r.res.isError === true && missing.length === 0,
    `${desc}: isError true, message mentions ${mentions.map((m) => JSON.stringify(m)).join(', ')}`,
    `isError=${r.res.isError} text=${short(r.text)}${missing.length ? `\nmissing: ${missing.join(', ')}` : ''}`,
  );
}

// The guard asked the user exactly once, with a form holding a boolean confirm.
function expectElicited(P, name, s, before, mention) {
  const asked = s.elicits.slice(before);
  const p = asked[0];
  const okForm = p && p.requestedSchema?.properties?.confirm?.type === 'boolean';
  const okMsg = p && (!mention || String(p.message ?? '').includes(mention));
  return check(
    asked.length === 1 && okForm && okMsg,
    `${P} ${name}: elicitation asked once with a confirm form${mention ? ' naming the change' : ''}`,
    `asked ${asked.length} times; first: ${short(p)}`,
  );
}

// mcp-go's legacy SSE session cannot send elicitation/create (it has no
// RequestElicitation), so over SSE --confirm auto asks for approval on the
// approval page instead, even though the client declares elicitation. That is
// accepted on SSE only; on stdio and Streamable HTTP elicitation is required.
function fellBackToPage(s, r, before) {
  return s.label === 'sse' && s.elicits.length === before && !r.err && r.res.isError !== true &&
    r.sc?.executed === false && typeof r.sc?.approval_url === 'string' && r.sc?.confirm_token === undefined;
}

// approveOnPage does what the human does on the approval page: open it, and
// submit its form (decision 'approve' or 'reject') the way a browser posts
// it, same-origin. It returns the HTTP status of the post and the page shown
// after it.
async function approveOnPage(url, decision = 'approve') {
  const page = await fetch(url);
  const html = await page.text();
  const csrf = html.match(/name="csrf" value="([^"]+)"/)?.[1];
  if (!csrf) return { status: page.status, html };
  const res = await fetch(url, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
    body: new URLSearchParams({ csrf, decision }).toString(),
  });
  const after = await (await fetch(url)).text();
  return { status: res.status, html: after, csrf };
}

// An executed mutation: success, not a preview.
function expectExecuted(P, name, r, s, before, mention) {
  if (!r.viaPage) expectElicited(P, name, s, before, mention);
  if (!expectOk(P, name, r, { what: '(accepted)' })) return false;
  const isPreview = r.sc?.executed === false || r.sc?.confirm_token !== undefined || /NOT SENT YET|DRY RUN/.test(r.text);
  return check(!isPreview, `${P} ${name}: executed, not a preview`, short(r.text));
}

function expectDeclined(P, name, r, s, before) {
  expectElicited(P, name, s, before);
  return expectToolError(P, name, r, ['declined', 'nothing'], '(declined)');
}

// ---------------------------------------------------------------- read helpers

async function read(s, name, args) {
  const r = await s.call(name, args);
  if (r.err || r.res.isError) throw new Error(`${name} ${JSON.stringify(args)} failed: ${r.err?.message ?? r.text}`);
  return r;
}

async function chatMessages(s, accountId) {
  const r = await read(s, 'get_chat_messages', { account_id: accountId, limit: 100 });
  return transcript(r.text);
}

const countText = (msgs, text) => msgs.filter((m) => String(m.text ?? '').includes(text)).length;

async function person(s, personId) {
  return (await read(s, 'get_person', { person_id: personId })).doc ?? {};
}

async function peopleBy(s, filter) {
  return (await read(s, 'search_people', filter)).doc?.people ?? [];
}

// ---------------------------------------------------------------- the checks

async function checkInitialize(P, s) {
  const v = s.client.getServerVersion();
  const caps = s.client.getServerCapabilities() ?? {};
  check(v?.name === 'leeloo-mcp' && !!v?.version, `${P} initialize: serverInfo leeloo-mcp ${v?.version ?? ''}`, short(v));
  check(!!caps.tools, `${P} initialize: server declares the tools capability`, short(caps));
  check(typeof s.client.getInstructions() === 'string' && s.client.getInstructions().length > 0, `${P} initialize: instructions given`);
}

async function checkToolList(P, s) {
  const { tools } = await s.client.listTools(undefined, { timeout: REQUEST_TIMEOUT_MS });
  const names = tools.map((t) => t.name);
  const expected = Object.keys(EXPECTED_TOOLS);
  const missing = expected.filter((n) => !names.includes(n));
  const extra = names.filter((n) => !(n in EXPECTED_TOOLS));
  const dupes = names.filter((n, i) => names.indexOf(n) !== i);
  check(
    names.length === expected.length && !missing.length && !extra.length && !dupes.length,
    `${P} tools/list: exactly the ${expected.length} tools of testdata/catalog.json`,
    `got ${names.length}; missing: ${missing.join(', ') || '-'}; extra: ${extra.join(', ') || '-'}; duplicates: ${dupes.join(', ') || '-'}`,
  );
  const bad = [];
  for (const t of tools) {
    const sch = t.inputSchema;
    if (!sch || sch.type !== 'object') {
      bad.push(`${t.name}: inputSchema.type is ${sch?.type}`);
      continue;
    }
    try {
      if (!ajv.validateSchema(sch)) throw new Error(ajv.errorsText(ajv.errors));
      validators.set(t.name, ajv.compile(sch));
    } catch (e) {
      bad.push(`${t.name}: ${e.message}`);
    }
  }
  check(!bad.length, `${P} tools/list: every inputSchema is an object schema that Ajv (2020-12, strict) compiles`, bad.join('\n'));
  const hints = [];
  for (const t of tools) {
    const ro = t.annotations?.readOnlyHint === true;
    if (EXPECTED_TOOLS[t.name] && ro !== (EXPECTED_TOOLS[t.name] === 'R')) hints.push(`${t.name}: readOnlyHint=${t.annotations?.readOnlyHint}`);
  }
  check(!hints.length, `${P} tools/list: readOnlyHint true exactly on the ${READ_TOOLS} read tools`, hints.join('\n'));
  return names;
}

// Every read tool with valid arguments, ids discovered by chaining where the
// API offers a way to find them.
async function checkReads(P, s) {
  const found = {};
  const run = async (name, args, verify) => {
    const sp = schemaProblems(name, args);
    if (sp) return check(false, `${P} ${name}: our arguments match its inputSchema`, sp);
    const r = await s.call(name, args);
    if (!expectOk(P, name, r, { read: true })) return;
    if (verify) {
      const [ok, desc, detail] = verify(r);
      check(ok, `${P} ${name}: ${desc}`, detail ?? short(r.doc ?? r.text));
    }
    return r;
  };
  const has = (r, id) => JSON.stringify(r.doc).includes(id);

  await run('list_tags', {}, (r) => {
    const vip = (r.doc.tags ?? []).find((t) => t.name === SB.VIPTagName);
    found.tagId = vip?.tag_id;
    return [vip?.tag_id === SB.VIPTagID, 'lists the seed tag VIP with its id'];
  });
  await run('search_people', { tags: [SB.VIPTagName], limit: 50 }, (r) => {
    const p = (r.doc.people ?? []).find((x) => x.person_id === SB.DemoPersonID);
    found.personId = p?.person_id;
    found.accountId = p?.accounts?.[0]?.account_id;
    return [!!p && found.accountId === SB.DemoAccountID, 'tag VIP finds the demo person with her account_id'];
  });
  const personId = found.personId ?? SB.DemoPersonID;
  const accountId = found.accountId ?? SB.DemoAccountID;
  await run('get_person', { person_id: personId }, (r) => [
    r.doc.person_id === personId && (r.doc.tags ?? []).includes(SB.VIPTagName) && has(r, accountId),
    'card of the person found by search_people (tags, account)',
  ]);
  const email = (await s.call('get_person', { person_id: personId })).doc?.email;
  if (email) {
    await run('search_people', { email }, (r) => [
      (r.doc.people ?? []).length === 1 && r.doc.people[0].person_id === personId,
      `email filter finds exactly that person`,
    ]);
  }
  await run('get_person_by_account', { account_id: accountId }, (r) => [r.doc.person_id === personId, 'maps the account back to the person']);
  await run('list_communication_channels', { limit: 5 }, (r) => [(r.doc.accounts ?? []).length > 0, 'lists accounts']);
  await run('get_chat_messages', { account_id: accountId, limit: 10 }, (r) => [transcript(r.text).length > 0, 'the demo chat has messages']);
  await run('list_template_categories', {}, (r) => {
    found.categoryId = (r.doc.categories ?? []).find((c) => c.category_id === SB.TemplateCategoryID)?.category_id;
    return [!!found.categoryId, 'lists the seed category'];
  });
  await run('list_templates', { category_id: found.categoryId ?? SB.TemplateCategoryID }, (r) => {
    found.templateId = (r.doc.templates ?? []).find((t) => t.template_id === SB.TemplateID)?.template_id;
    return [!!found.templateId, 'lists the seed template of that category'];
  });
  await run('list_orders', { limit: 100 }, (r) => {
    found.orderId = (r.doc.orders ?? []).find((o) => o.order_id === SB.PaidOrderID)?.order_id;
    return [!!found.orderId, 'lists the seed orders'];
  });
  await run('get_order', { order_id: found.orderId ?? SB.PaidOrderID }, (r) => [
    r.doc.order_id === SB.PaidOrderID && !!r.doc.status,
    'the order found by list_orders, with status',
  ]);
  await run('list_tunnels', {}, (r) => {
    found.tunnelId = (r.doc.tunnels ?? []).find((t) => t.tunnel_id === SB.TunnelID)?.tunnel_id;
    return [!!found.tunnelId, 'lists the seed tunnel'];
  });
  await run('get_tunnel', { tunnel_id: found.tunnelId ?? SB.TunnelID }, (r) => {
    found.leadgentoolId = (r.doc.leadgentools ?? []).find((l) => l.leadgentool_id === SB.LeadgentoolID)?.leadgentool_id;
    return [!!found.leadgentoolId, 'the tunnel found by list_tunnels, with its leadgen tools'];
  });
  await run('get_tunnels_stats', {}, (r) => [typeof r.doc.subscribers === 'number', 'has subscribers']);
  await run('get_tunnel_stats', { tunnel_id: found.tunnelId ?? SB.TunnelID }, (r) => [typeof r.doc.subscribers === 'number', 'has subscribers']);
  await run('list_users', {}, (r) => {
    found.userId = (r.doc.users ?? []).find((u) => u.user_id === SB.UserID)?.user_id;
    return [!!found.userId, 'lists the seed manager'];
  });
  await run('get_user', { user_id: found.userId ?? SB.UserID }, (r) => [r.doc.user_id === SB.UserID, 'the manager found by list_users']);
  await run('list_connections', {}, (r) => [has(r, SB.SMSConnectionID), 'lists the SMS connection']);
}

// Bad arguments: a tool error the model can act on, never a protocol error.
// The message must name the field (and the way out) in words: a model has to
// fix the call from it, so no Go value dumps like `&{Got:… Want:…}`.
async function checkBadArgs(P, s) {
  for (const [name, args, mentions, what] of [
    ['get_person', { person_id: 'not-an-id' }, ['person_id', '24 hex', 'search_people'], 'with a malformed person_id'],
    ['get_order', { order_id: 'ffffffffffffffffffffffff' }, ['not found', 'list_orders'], 'with an unknown order_id'],
    ['update_manual_order', { order_id: SB.PaidOrderID, status: 'PAID' }, ['status', 'RESOLVED', 'REJECTED'], 'with status PAID (enum RESOLVED, REJECTED)'],
    ['get_chat_messages', {}, ['account_id'], 'without the required account_id'],
    ['list_orders', { limit: 1000 }, ['limit', '100'], 'with limit 1000 (maximum 100)'],
  ]) {
    const r = await s.call(name, args);
    if (expectToolError(P, name, r, mentions, what)) {
      check(!/&\{|\w+:\[|Got:|Want:/.test(r.text), `${P} ${name} ${what}: message is readable (no Go value dump)`, short(r.text));
    }
  }
}

// Every mutating tool, accepted through elicitation, with follow-up reads.
async function checkMutationsAccept(P, s, tag) {
  const uniq = `${tag}-${RUN}`;
  const phoneDigits = String(Math.abs(hash(uniq)) % 1e8).padStart(8, '0');
  const newEmail = `e2e-${uniq}@example.com`;
  let before;
  const mut = async (name, args) => {
    const sp = schemaProblems(name, args);
    if (sp) check(false, `${P} ${name}: our arguments match its inputSchema`, sp);
    before = s.elicits.length;
    const r = await s.call(name, args);
    if (!fellBackToPage(s, r, before)) return r;
    check(r.text.includes('NOT SENT'), `${P} ${name}: legacy SSE cannot elicit; auto mode asked for approval on the page`, short(r.text));
    const page = await approveOnPage(r.sc.approval_url);
    check(page.status === 303 && page.html.includes('Approved and done'), `${P} ${name}: approved once on the approval page`, `HTTP ${page.status}`);
    const r2 = await s.call(name, args);
    r2.viaPage = true;
    return r2;
  };

  // send_message → the text is in the chat.
  const text = `e2e ${uniq}: hello from the SDK client`;
  let r = await mut('send_message', { account_id: SB.DemoAccountID, text });
  expectExecuted(P, 'send_message', r, s, before, text);
  check(r.sc?.sent === true, `${P} send_message: result says sent`, short(r.sc));
  let msgs = await chatMessages(s, SB.DemoAccountID);
  check(countText(msgs, text) === 1, `${P} send_message: get_chat_messages shows the text once`, `found ${countText(msgs, text)} times`);

  // send_template → the rendered template with our variable is in the chat.
  r = await mut('send_template', { account_id: SB.DemoAccountID, template_id: SB.TemplateID, variables: { name: uniq, discount: '15%' } });
  expectExecuted(P, 'send_template', r, s, before, SB.TemplateID);
  msgs = await chatMessages(s, SB.DemoAccountID);
  check(countText(msgs, uniq) >= 2 && msgs.some((m) => m.text.includes(uniq) && m.text.includes('15%')),
    `${P} send_template: get_chat_messages shows the rendered template`, short(msgs.slice(-2)));

  // create_person → search_people finds the new person.
  r = await mut('create_person', { name: `E2E ${uniq}`, email: newEmail, leadgentool_id: SB.LeadgentoolID, manager_ids: [SB.UserID] });
  expectExecuted(P, 'create_person', r, s, before, newEmail);
  const newPerson = r.sc?.person_id;
  const newAccount = r.sc?.account_id;
  check(/^[0-9a-f]{24}$/i.test(newPerson ?? '') && /^[0-9a-f]{24}$/i.test(newAccount ?? ''),
    `${P} create_person: result gives the new person_id and account_id`, short(r.sc));
  let found = await peopleBy(s, { email: newEmail });
  check(found.length === 1 && found[0].person_id === newPerson, `${P} create_person: search_people by email finds the new person`, short(found));
  if (!check(!!newPerson, `${P} create_person gave a person for the remaining mutations`, 'update_person, add_comment, add_tag, remove_tag, create_order, update_manual_order, subscribe_to_tunnel, create_traffic_source, add_sms_contacts and log_call were not run')) return;

  // update_person → the custom field and email are on the card.
  const changedEmail = `e2e-${uniq}-b@example.com`;
  r = await mut('update_person', { person_id: newPerson, email: changedEmail, custom_fields: [{ type: 'KEYWORD', name: 'e2e_run', value: uniq }] });
  expectExecuted(P, 'update_person', r, s, before, changedEmail);
  let card = await person(s, newPerson);
  check(card.email === changedEmail && (card.custom_fields ?? []).some((f) => f.name === 'e2e_run' && f.value === uniq),
    `${P} update_person: get_person shows the new email and custom field`, short(card));

  // add_comment → executed with a comment id (the API has no read-back).
  r = await mut('add_comment', { person_id: newPerson, comment: `e2e comment ${uniq}` });
  expectExecuted(P, 'add_comment', r, s, before, `e2e comment ${uniq}`);
  check(/^[0-9a-f]{24}$/i.test(r.sc?.comment_id ?? ''), `${P} add_comment: result gives the comment_id`, short(r.sc));

  // add_tag / remove_tag → the tag comes and goes on the card.
  r = await mut('add_tag', { person_id: newPerson, tag: SB.LeadTagName });
  expectExecuted(P, 'add_tag', r, s, before, SB.LeadTagName);
  card = await person(s, newPerson);
  check((card.tags ?? []).includes(SB.LeadTagName), `${P} add_tag: get_person shows the tag`, short(card.tags));
  r = await mut('remove_tag', { person_id: newPerson, tag: SB.LeadTagID });
  expectExecuted(P, 'remove_tag', r, s, before, SB.LeadTagName);
  card = await person(s, newPerson);
  check(!(card.tags ?? []).includes(SB.LeadTagName), `${P} remove_tag: get_person no longer shows the tag`, short(card.tags));

  // create_order → get_order finds it OPENED; update_manual_order → RESOLVED.
  r = await mut('create_order', { person_id: newPerson, offer_id: SB.OfferID, payment_credits_id: SB.PaymentCreditsID, email: changedEmail });
  // The sandbox ships an account catalog: the confirmation names the offer and its price.
  expectExecuted(P, 'create_order', r, s, before, '«Курс «Догляд за шкірою 30 днів»» (49 USD)');
  const orderId = r.sc?.order_id;
  if (check(/^[0-9a-f]{24}$/i.test(orderId ?? ''), `${P} create_order: result gives the order_id`, short(r.sc))) {
    let o = (await read(s, 'get_order', { order_id: orderId })).doc;
    check(o.status === 'OPENED' && o.payment_method === 'MANUAL', `${P} create_order: get_order shows an OPENED manual order`, short(o));
    r = await mut('update_manual_order', { order_id: orderId, status: 'RESOLVED', price: 49, currency: 'USD', comment: uniq });
    expectExecuted(P, 'update_manual_order', r, s, before, orderId);
    o = (await read(s, 'get_order', { order_id: orderId })).doc;
    check(o.status === 'RESOLVED', `${P} update_manual_order: get_order shows RESOLVED`, short(o));
  }

  // subscribe_to_tunnel → the tunnel is in the person's subscriptions.
  r = await mut('subscribe_to_tunnel', { account_id: newAccount, tunnel_id: SB.TunnelID, tunnel_block_id: BLOCK_ID });
  expectExecuted(P, 'subscribe_to_tunnel', r, s, before, SB.TunnelID);
  card = await person(s, newPerson);
  check((card.tunnels ?? []).some((t) => t.tunnel_id === SB.TunnelID), `${P} subscribe_to_tunnel: get_person lists the tunnel`, short(card.tunnels));

  // create_traffic_source → executed with the new id (no list endpoint).
  r = await mut('create_traffic_source', { leadgentool_id: SB.LeadgentoolID, name: `e2e ${uniq}`, description: 'SDK client check' });
  expectExecuted(P, 'create_traffic_source', r, s, before, `e2e ${uniq}`);
  check(/^[0-9a-f]{24}$/i.test(r.sc?.traffic_source_id ?? ''), `${P} create_traffic_source: result gives the traffic_source_id`, short(r.sc));

  // add_sms_contacts → search_people by phone finds the tagged contact.
  const phone = `+38093${phoneDigits}`;
  r = await mut('add_sms_contacts', {
    contacts: [{ name: `SMS ${uniq}`, phone }], connection_id: SB.SMSConnectionID, leadgentool_id: SB.LeadgentoolID, tags: [SB.LeadTagName],
  });
  expectExecuted(P, 'add_sms_contacts', r, s, before, phone);
  check(r.sc?.count_to_process === 1, `${P} add_sms_contacts: result counts 1 contact`, short(r.sc));
  found = await peopleBy(s, { phone });
  check(found.length === 1 && (found[0].tags ?? []).includes(SB.LeadTagName) && (found[0].accounts ?? []).some((a) => a.channel === 'SMS'),
    `${P} add_sms_contacts: search_people by phone finds the contact with tag and SMS account`, short(found));

  // log_call → executed with the call id (no list endpoint).
  r = await mut('log_call', {
    user_id: SB.UserID, account_id: SB.DemoAccountID, from: '+380441234567', to: '+380671234567',
    date: new Date().toISOString(), duration_seconds: 42, status: 'SUCCESS', type: 'OUTBOUND',
    record_link: `https://example.com/rec/${uniq}.mp3`,
  });
  expectExecuted(P, 'log_call', r, s, before, 'OUTBOUND');
  check(/^[0-9a-f]{24}$/i.test(r.sc?.call_id ?? ''), `${P} log_call: result gives the call_id`, short(r.sc));
}

// Every mutating tool declined through elicitation: an error result and no change.
async function checkMutationsDecline(P, s, tag) {
  const uniq = `${tag}-${RUN}-no`;
  const email = `e2e-${uniq}@example.com`;
  const phone = `+38094${String(Math.abs(hash(uniq)) % 1e8).padStart(8, '0')}`;
  const text = `e2e ${uniq}: must never arrive`;
  const card0 = await person(s, SB.DemoPersonID);
  const order0 = (await read(s, 'get_order', { order_id: SB.ManualOrderID })).doc;
  const chat0 = await chatMessages(s, SB.DemoAccountID);

  const cases = [
    ['send_message', { account_id: SB.DemoAccountID, text }],
    ['send_template', { account_id: SB.DemoAccountID, template_id: SB.TemplateID, variables: { name: uniq, discount: '5%' } }],
    ['create_person', { name: `E2E ${uniq}`, email, leadgentool_id: SB.LeadgentoolID }],
    ['update_person', { person_id: SB.DemoPersonID, email: `changed-${email}` }],
    ['add_comment', { person_id: SB.DemoPersonID, comment: `declined ${uniq}` }],
    ['add_tag', { person_id: SB.DemoPersonID, tag: SB.LeadTagName }],
    ['remove_tag', { person_id: SB.DemoPersonID, tag: SB.VIPTagName }],
    ['create_order', { person_id: SB.DemoPersonID, offer_id: SB.OfferID, payment_credits_id: SB.PaymentCreditsID, notify_customer: true }],
    ['update_manual_order', { order_id: SB.ManualOrderID, status: 'REJECTED' }],
    ['subscribe_to_tunnel', { account_id: SB.DemoAccountID, tunnel_id: SB.TunnelID, tunnel_block_id: BLOCK_ID }],
    ['create_traffic_source', { leadgentool_id: SB.LeadgentoolID, name: `declined ${uniq}` }],
    ['add_sms_contacts', { contacts: [{ name: `SMS ${uniq}`, phone }], connection_id: SB.SMSConnectionID, leadgentool_id: SB.LeadgentoolID }],
    ['log_call', { user_id: SB.UserID, account_id: SB.DemoAccountID, from: '+380441234567', to: '+380671234567',
      date: new Date().toISOString(), duration_seconds: 1, status: 'NO_ANSWER', type: 'OUTBOUND' }],
  ];
  for (const [name, args] of cases) {
    const before = s.elicits.length;
    const r = await s.call(name, args);
    if (fellBackToPage(s, r, before)) {
      check(r.text.includes('NOT SENT'), `${P} ${name}: legacy SSE cannot elicit; waits on the approval page, never approved`, short(r.text));
    } else {
      expectDeclined(P, name, r, s, before);
    }
  }

  const card1 = await person(s, SB.DemoPersonID);
  const chat1 = await chatMessages(s, SB.DemoAccountID);
  const order1 = (await read(s, 'get_order', { order_id: SB.ManualOrderID })).doc;
  check(chat1.length === chat0.length && countText(chat1, uniq) === 0,
    `${P} declined send_message/send_template/create_order(notify): the chat is unchanged`, `messages ${chat0.length} → ${chat1.length}`);
  check((await peopleBy(s, { email })).length === 0, `${P} declined create_person: nobody has the email`);
  check((await peopleBy(s, { phone })).length === 0, `${P} declined add_sms_contacts: nobody has the phone`);
  check(card1.email === card0.email, `${P} declined update_person: the email is unchanged`, `${card0.email} → ${card1.email}`);
  check(JSON.stringify(card1.tags) === JSON.stringify(card0.tags), `${P} declined add_tag/remove_tag: the tags are unchanged`,
    `${short(card0.tags)} → ${short(card1.tags)}`);
  check((card1.orders ?? []).length === (card0.orders ?? []).length, `${P} declined create_order: the person's orders are unchanged`);
  check((card1.tunnels ?? []).length === (card0.tunnels ?? []).length, `${P} declined subscribe_to_tunnel: the subscriptions are unchanged`);
  check(order1.status === order0.status, `${P} declined update_manual_order: the order status is unchanged (${order0.status})`);
}

// A client without elicitation under --confirm auto: a preview with the
// approval page's link and no token; nothing the model sends executes it;
// one approval on the page sends it once; the model learns the outcome by
// calling again; a second approval sends nothing more.
async function checkApprovalFlow(P, s, tag) {
  const uniq = `${tag}-${RUN}-page`;
  const text = `e2e ${uniq}: approved on the page`;
  const args = { account_id: SB.DemoAccountID, text };

  let r = await s.call('send_message', { ...args, dry_run: true });
  if (expectOk(P, 'send_message', r, { what: 'dry_run' })) {
    check(r.sc.executed === false && r.sc.confirm_token === undefined && r.sc.approval_url === undefined && /DRY RUN/.test(r.text),
      `${P} send_message dry_run: a preview without a token or a link`, short(r.text));
  }
  r = await s.call('send_message', args);
  let url;
  if (expectOk(P, 'send_message', r, { what: 'without elicitation' })) {
    url = r.sc.approval_url;
    check(r.sc.executed === false && r.sc.confirm_token === undefined && typeof url === 'string' && r.text.includes(url) &&
      r.text.includes(text) && /NOT SENT YET/.test(r.text) && /cannot approve it for them/.test(r.text),
      `${P} send_message without elicitation: preview naming the text, the approval link, no token`, short(r.text));
  }
  if (!url) return;
  // The model tries everything it can: the same call, a made-up token,
  // allow_duplicate. Nothing is sent.
  for (const extra of [{}, { confirm_token: 'A'.repeat(43) }, { allow_duplicate: true }]) {
    await s.call('send_message', { ...args, ...extra });
  }
  let msgs = await chatMessages(s, SB.DemoAccountID);
  check(countText(msgs, text) === 0, `${P} send_message awaiting approval: nothing the model called sent it`, `found ${countText(msgs, text)} times`);

  const page = await approveOnPage(url);
  check(page.status === 303 && page.html.includes('Approved and done'), `${P} approval page: one click approves and executes`, `HTTP ${page.status}`);
  msgs = await chatMessages(s, SB.DemoAccountID);
  check(countText(msgs, text) === 1, `${P} approved send_message: the text is in the chat once`, `found ${countText(msgs, text)} times`);

  const again = await fetch(url, {
    method: 'POST', redirect: 'manual',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Sec-Fetch-Site': 'same-origin' },
    body: new URLSearchParams({ csrf: page.csrf ?? '', decision: 'approve' }).toString(),
  });
  check(again.status === 303, `${P} approval page: a second click is answered with the outcome`, `HTTP ${again.status}`);
  r = await s.call('send_message', args);
  check(/Approved by the user and executed/.test(r.text) && r.sc?.executed === true, `${P} send_message called again: the model learns it was approved and executed`, short(r.text));
  msgs = await chatMessages(s, SB.DemoAccountID);
  check(countText(msgs, text) === 1, `${P} approval: still exactly one message`, `found ${countText(msgs, text)} times`);
  check(s.elicits.length === 0, `${P} no elicitation was sent to a client without the capability`);
}

function fillTemplate(uriTemplate) {
  const missing = [];
  const uri = uriTemplate.replace(/\{([^}]+)\}/g, (_, name) => {
    const v = ARG_VALUES[name];
    if (v === undefined) missing.push(name);
    return v ?? '';
  });
  return { uri, missing };
}

function checkContents(P, what, uri, res) {
  const contents = res?.contents ?? [];
  const problems = [];
  if (!contents.length) problems.push('no contents');
  for (const c of contents) {
    if (c.uri !== uri) problems.push(`content uri ${c.uri} (asked ${uri})`);
    const body = c.text ?? c.blob;
    if (typeof body !== 'string' || !body.length) problems.push('empty content');
    if (c.mimeType === 'application/json' && typeof c.text === 'string') {
      try {
        JSON.parse(c.text);
      } catch (e) {
        problems.push(`not JSON: ${e.message}`);
      }
    }
  }
  return check(!problems.length, `${P} resources/read ${what}: non-empty contents for the URI`, problems.join('\n'));
}

async function checkResources(P, s) {
  const caps = s.client.getServerCapabilities() ?? {};
  if (!caps.resources) {
    skip(`${P} resources`, 'the server does not declare the resources capability');
    return;
  }
  const opts = { timeout: REQUEST_TIMEOUT_MS };
  const { resources } = await s.client.listResources(undefined, opts);
  const { resourceTemplates } = await s.client.listResourceTemplates(undefined, opts);
  check(Array.isArray(resources) && Array.isArray(resourceTemplates),
    `${P} resources/list and resources/templates/list answer (${resources.length} resources, ${resourceTemplates.length} templates)`);
  if (!resources.length && !resourceTemplates.length) {
    skip(`${P} resources/read`, 'the resources capability is declared but no resource or template is registered yet');
    return;
  }
  for (const r of resources) {
    try {
      checkContents(P, r.uri, r.uri, await s.client.readResource({ uri: r.uri }, opts));
    } catch (e) {
      check(false, `${P} resources/read ${r.uri}`, e.message);
    }
  }
  for (const t of resourceTemplates) {
    const { uri, missing } = fillTemplate(t.uriTemplate);
    if (missing.length) {
      check(false, `${P} resources/read ${t.uriTemplate}: the e2e client knows a sandbox value for every variable`, `no value for ${missing.join(', ')}`);
      continue;
    }
    try {
      checkContents(P, `${t.uriTemplate} as ${uri}`, uri, await s.client.readResource({ uri }, opts));
    } catch (e) {
      check(false, `${P} resources/read ${uri}`, e.message);
    }
  }
  // A malformed id in a template is refused with a message naming the variable.
  const t = resourceTemplates.find((x) => /\{(account_id|person_id|tunnel_id)\}/.test(x.uriTemplate));
  if (t) {
    const v = t.uriTemplate.match(/\{(account_id|person_id|tunnel_id)\}/)[1];
    const uri = t.uriTemplate.replace(`{${v}}`, 'not-an-id');
    try {
      const res = await s.client.readResource({ uri }, opts);
      check(false, `${P} resources/read ${uri}: refused`, `answered ${short(res)}`);
    } catch (e) {
      check(e.message.includes(v) && /24 hex/.test(e.message), `${P} resources/read ${uri}: refused, naming ${v}`, e.message);
    }
  }
}

function promptArgs(prompt) {
  const args = {};
  const today = new Date().toISOString().slice(0, 10);
  for (const a of prompt.arguments ?? []) {
    let v = ARG_VALUES[a.name];
    if (v === undefined && /date|from|since|until|to$/.test(a.name)) v = today;
    if (v === undefined && /days|limit|count|number/.test(a.name)) v = '7';
    if (v === undefined && /lang|locale/.test(a.name)) v = 'en';
    if (v === undefined && a.required) v = 'e2e check';
    if (v !== undefined) args[a.name] = v;
  }
  return args;
}

async function checkPrompts(P, s) {
  const caps = s.client.getServerCapabilities() ?? {};
  if (!caps.prompts) {
    skip(`${P} prompts`, 'the server does not declare the prompts capability');
    return;
  }
  const opts = { timeout: REQUEST_TIMEOUT_MS };
  const { prompts } = await s.client.listPrompts(undefined, opts);
  check(Array.isArray(prompts), `${P} prompts/list answers (${prompts.length} prompts)`);
  if (!prompts.length) {
    skip(`${P} prompts/get`, 'the prompts capability is declared but no prompt is registered yet');
    return;
  }
  for (const p of prompts) {
    const args = promptArgs(p);
    try {
      const res = await s.client.getPrompt({ name: p.name, arguments: args }, opts);
      const msgs = res.messages ?? [];
      const empty = msgs.filter((m) => m.content?.type === 'text' && !m.content.text?.trim());
      check(msgs.length > 0 && !empty.length, `${P} prompts/get ${p.name} ${JSON.stringify(args)}: messages with text`, short(res));
    } catch (e) {
      check(false, `${P} prompts/get ${p.name} ${JSON.stringify(args)}`, e.message);
    }
  }
}

function hash(s) {
  let h = 0;
  for (const ch of s) h = (Math.imul(h, 31) + ch.codePointAt(0)) | 0;
  return h;
}

// ---------------------------------------------------------------- transports

async function runTransport(kind, urls, { preview }) {
  const P = `[${kind}]`;
  let s;
  try {
    s = await connect(kind, urls, 'accept');
    check(true, `${P} connect and initialize (client with elicitation)`);
  } catch (e) {
    check(false, `${P} connect and initialize (client with elicitation)`, e.message);
    return;
  }
  const failedBefore = failed;
  try {
    await step(P, 'initialize', () => checkInitialize(P, s));
    await step(P, 'tools/list', () => checkToolList(P, s));
    await step(P, 'read tools', () => checkReads(P, s));
    await step(P, 'bad arguments', () => checkBadArgs(P, s));
    await step(P, 'mutations accepted', () => checkMutationsAccept(P, s, kind));
    await step(P, 'resources', () => checkResources(P, s));
    await step(P, 'prompts', () => checkPrompts(P, s));
  } finally {
    if (failed > failedBefore && s.stderr.length) console.log(`# ${P} server stderr tail:\n# ${s.stderr.join('').trim().split('\n').slice(-5).join('\n# ')}`);
    await s.close();
  }

  let d;
  try {
    d = await connect(kind, urls, 'decline');
    await step(P, 'mutations declined', () => checkMutationsDecline(P, d, kind));
  } catch (e) {
    check(false, `${P} connect (client that declines)`, e.message);
  } finally {
    await d?.close();
  }

  if (!preview) return;
  let n;
  try {
    n = await connect(kind, urls, null);
    await step(P, 'approval page flow', () => checkApprovalFlow(P, n, kind));
  } catch (e) {
    check(false, `${P} connect (client without elicitation)`, e.message);
  } finally {
    await n?.close();
  }
}

// Without URLs from run.sh, start our own HTTP server from LEELOO_BIN.
async function ownHTTPServer() {
  const bin = process.env.LEELOO_BIN;
  const child = spawn(bin, ['--sandbox', '--toolsets', 'all', '--transport', 'http', '--listen', '127.0.0.1:0'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const base = await withTimeout(new Promise((resolve, reject) => {
    let buf = '';
    child.stderr.on('data', (b) => {
      buf += b;
      const m = buf.match(/listening on (http:\/\/[^\s:]+:\d+)/);
      if (m) resolve(m[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${buf.trim()}`)));
  }), 10_000, 'own HTTP server start');
  return { base, stop: () => child.kill() };
}

async function main() {
  const kinds = (process.env.E2E_TRANSPORTS ?? 'stdio,sse,http').split(',').map((x) => x.trim()).filter(Boolean);
  const urls = { http: process.env.E2E_MCP_URL, sse: process.env.E2E_SSE_URL };
  let own;
  if (!urls.http && !urls.sse && process.env.LEELOO_BIN && (kinds.includes('http') || kinds.includes('sse'))) {
    try {
      own = await ownHTTPServer();
      urls.http = `${own.base}/mcp`;
      urls.sse = `${own.base}/sse`;
      console.log(`# started ${process.env.LEELOO_BIN} on ${own.base}`);
    } catch (e) {
      check(false, 'start an HTTP server from LEELOO_BIN', e.message);
    }
  }
  console.log(`# run ${RUN}; transports ${kinds.join(', ')}`);
  try {
    for (const kind of kinds) {
      if (kind === 'stdio' && !stdioCommand()) {
        check(false, '[stdio] a server command is given', 'set LEELOO_BIN or E2E_STDIO_CMD');
      } else if (kind === 'sse' && process.env.E2E_SSE === '0') {
        skip('[sse]', 'E2E_SSE=0');
      } else if ((kind === 'sse' || kind === 'http') && !urls[kind]) {
        check(false, `[${kind}] a server URL is given`, `set ${kind === 'http' ? 'E2E_MCP_URL' : 'E2E_SSE_URL'}`);
      } else if (!['stdio', 'sse', 'http'].includes(kind)) {
        check(false, `known transport ${kind}`);
      } else {
        // The approval page flow of a client without elicitation runs on
        // Streamable HTTP only.
        await runTransport(kind, urls, { preview: kind === 'http' });
      }
    }
  } finally {
    own?.stop();
  }
  console.log(`# took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  summary();
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  check(false, 'client.mjs ran to the end', e?.stack ?? String(e));
  summary();
  process.exit(1);
});
