// Browser tests in headless Chromium (Debian's chromium, driven by
// playwright-core): the approval page, the pending-actions page, and both MCP
// App cards rendered by a test host built with the ext-apps AppBridge over
// the official SDK client (apps-host.js). Upstream effects are counted in the
// sandbox's chat (get_chat_messages).
//
//   LEELOO_BIN=bin/leeloo-mcp node browser.mjs
//
// E2E_CHROMIUM   the browser (default: `command -v chromium`)
// E2E_SHOTS      folder for screenshots (light and dark); none when unset
// Prints one line per check and ends with `browser: N passed, M failed`.
import { spawn, execSync } from 'node:child_process';
import { createServer, request } from 'node:http';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { transcript } from './results.mjs';
import { chromium } from 'playwright-core';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const BIN = process.env.LEELOO_BIN;
const SHOTS = process.env.E2E_SHOTS ?? '';
const ACCOUNT = '65d1c0a8e4b0a1000c000102'; // the sandbox's demo account
const RUN = Date.now().toString(36);

let passed = 0;
let failed = 0;
function check(ok, what, detail = '') {
  if (ok) passed++; else failed++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}${ok || !detail ? '' : `\n     ${String(detail).slice(0, 400)}`}`);
  return ok;
}

// startServer runs leeloo-mcp over HTTP on a free port and returns its origin.
function startServer(extra = []) {
  const child = spawn(BIN, ['--sandbox', '--toolsets', 'all', '--transport', 'http', '--calls-per-minute', '1000',
    '--calls-per-minute-per-client', '10000', '--listen', '127.0.0.1:0', ...extra], { stdio: ['ignore', 'ignore', 'pipe'] });
  return new Promise((resolve, reject) => {
    let buf = '';
    child.stderr.on('data', (b) => {
      buf += b;
      const m = buf.match(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
      if (m) resolve({ base: m[1], stop: () => child.kill() });
    });
    child.on('exit', (code) => reject(new Error(`leeloo-mcp exited ${code}: ${buf.trim()}`)));
  });
}

// model is what an assistant without MCP Apps reaches: the SDK client.
async function modelClient(base) {
  const c = new Client({ name: 'leeloo-e2e-browser', version: '1.0.0' });
  await c.connect(new StreamableHTTPClientTransport(new URL('/mcp', base)));
  return {
    client: c,
    async call(name, args) {
      const r = await c.callTool({ name, arguments: args });
      return { text: (r.content ?? []).map((x) => x.text ?? '').join('\n'), sc: r.structuredContent ?? {}, isError: !!r.isError, meta: r._meta };
    },
    async sent(text) {
      const r = await this.call('get_chat_messages', { account_id: ACCOUNT, limit: 100 });
      return transcript(r.text).filter((m) => m.text.includes(text)).length;
    },
  };
}

// serve answers on a free loopback port; proxy, when set, forwards /mcp to it.
function serve(host, handler) {
  return new Promise((resolve) => {
    const s = createServer(handler);
    s.listen(0, '127.0.0.1', () => resolve({ origin: `http://${host}:${s.address().port}`, close: () => s.close() }));
  });
}

function proxy(req, res, target) {
  const u = new URL(target);
  const up = request({ host: u.hostname, port: u.port, path: req.url, method: req.method, headers: { ...req.headers, host: u.host } }, (r) => {
    res.writeHead(r.statusCode, r.headers);
    r.pipe(res);
  });
  up.on('error', (e) => { res.writeHead(502); res.end(String(e)); });
  req.pipe(up);
}

async function shot(target, name) {
  if (!SHOTS) return;
  await target.screenshot({ path: join(SHOTS, `${name}.png`) });
}

async function approvalPage(browser, m, base, shortTTL) {
  const ctx = await browser.newContext({ viewport: { width: 720, height: 560 } });
  const page = await ctx.newPage();

  // Approve: one click sends once; a double click, a reload and a second
  // submission send nothing more.
  const text = `browser ${RUN}: approved on the page`;
  let r = await m.call('send_message', { account_id: ACCOUNT, text });
  const link = r.sc.approval_url;
  check(typeof link === 'string' && r.text.includes(link) && (await m.sent(text)) === 0, 'page: the model gets a link and nothing is sent', r.text);
  for (const scheme of ['light', 'dark']) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.goto(link);
    await shot(page, `approval-page-${scheme}`);
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.goto(link);
  check((await page.locator('pre.preview').first().textContent()).includes(text), 'page: shows the exact text');
  await page.locator('button.approve').dblclick();
  await page.waitForLoadState();
  await page.getByText('Approved and done').first().waitFor({ timeout: 5000 }).catch(() => {});
  check((await page.content()).includes('Approved and done'), 'page: Approve shows the outcome');
  await page.reload();
  await page.goBack().catch(() => {});
  await page.goForward().catch(() => {});
  check((await m.sent(text)) === 1, 'page: approve (double click, reload) sent exactly once', `sent ${await m.sent(text)} times`);
  check((await page.locator('button.approve').count()) === 0, 'page: a decided action has no buttons');

  // Reject sends nothing.
  const rtext = `browser ${RUN}: rejected on the page`;
  r = await m.call('send_message', { account_id: ACCOUNT, text: rtext });
  await page.goto(r.sc.approval_url);
  await page.locator('button.reject').click();
  await page.waitForLoadState();
  r = await m.call('send_message', { account_id: ACCOUNT, text: rtext });
  check((await m.sent(rtext)) === 0 && /Rejected/.test(r.text), 'page: reject sends nothing, and the model learns it', r.text);

  // A cross-site page posts the form (even with a valid CSRF token): refused.
  const xtext = `browser ${RUN}: cross-site`;
  r = await m.call('send_message', { account_id: ACCOUNT, text: xtext });
  const xlink = r.sc.approval_url;
  const csrf = (await (await fetch(xlink)).text()).match(/name="csrf" value="([^"]+)"/)?.[1] ?? '';
  const evil = await serve('localhost', (req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<form id=f method=post action="${xlink}"><input name=csrf value="${csrf}"><input name=decision value=approve></form><script>f.submit()</script>`);
  });
  const nav = page.waitForResponse((res) => res.url() === xlink && res.request().method() === 'POST');
  await page.goto(`${evil.origin}/`);
  const xres = await nav;
  evil.close();
  await page.goto(xlink);
  check(xres.status() === 403 && (await m.sent(xtext)) === 0 && (await page.locator('button.approve').count()) === 1,
    'page: a cross-site POST from another origin is refused, the action still waits', `HTTP ${xres.status()}`);

  // Expired: the page cannot approve it.
  const s2 = await shortTTL();
  const m2 = await modelClient(s2.base);
  const etext = `browser ${RUN}: expired`;
  r = await m2.call('send_message', { account_id: ACCOUNT, text: etext });
  await page.goto(r.sc.approval_url);
  await page.waitForTimeout(1600);
  await page.locator('button.approve').click();
  await page.waitForLoadState();
  const body = await page.content();
  check((await m2.sent(etext)) === 0 && /expired/i.test(body), 'page: an expired action cannot be approved', body.slice(0, 300));
  await m2.client.close();
  s2.stop();

  // The pending page: four drafts, three approved at once, one rejected.
  const texts = [1, 2, 3, 4].map((i) => `browser ${RUN}: campaign ${i}`);
  for (const t of texts) await m.call('send_message', { account_id: ACCOUNT, text: t });
  await page.goto(new URL('/pending', link).href);
  const row = (t) => page.locator('tbody tr', { hasText: t }).locator('input[type=checkbox]');
  for (const t of texts.slice(0, 3)) await row(t).check();
  await page.locator('button.approve', { hasText: 'Approve selected' }).click();
  await page.waitForLoadState();
  await page.goto(new URL('/pending', link).href);
  await row(texts[3]).check();
  await page.locator('button.reject', { hasText: 'Reject selected' }).click();
  await page.waitForLoadState();
  const counts = [];
  for (const t of texts) counts.push(await m.sent(t));
  check(counts.join() === '1,1,1,0', 'pending page: three approved are sent once each, the rejected one never', counts.join());
  await ctx.close();
}

async function cards(browser, base, m) {
  const bundle = await build({
    entryPoints: [new URL('apps-host.js', import.meta.url).pathname], bundle: true, format: 'esm', platform: 'browser',
    write: false, logLevel: 'error',
  });
  const js = bundle.outputFiles[0].text;
  const host = await serve('127.0.0.1', (req, res) => {
    if (req.url.startsWith('/mcp')) return proxy(req, res, base);
    if (req.url === '/host.js') { res.writeHead(200, { 'Content-Type': 'text/javascript' }); return res.end(js); }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(`<!doctype html><meta charset=utf-8><title>e2e host</title>
<style>body{margin:0;padding:12px;background:#fff}body[data-theme=dark]{background:#0d1117}
iframe{display:block;width:560px;height:360px;border:1px solid #8884;border-radius:8px}</style>
<div id=cards></div><script type=module src=/host.js></script>`);
  });
  const ctx = await browser.newContext({ viewport: { width: 600, height: 520 } });
  const page = await ctx.newPage();
  page.on('pageerror', (e) => console.log(`# host page error: ${e.message}`));
  await page.goto(host.origin);
  await page.waitForFunction(() => window.hostReady);
  await page.evaluate(() => window.hostReady);

  const names = await page.evaluate(() => window.host.toolNames());
  const plain = (await m.client.listTools()).tools.map((t) => t.name);
  check(names.all.includes('approval_decide') && !names.model.includes('approval_decide') && !plain.includes('approval_decide'),
    "cards: approval_decide is listed to the Apps host, kept from the model's tools, absent for a client without Apps",
    JSON.stringify({ all: names.all.length, model: names.model.length }));

  const frame = page.frameLocator('iframe');
  for (const [scheme, decision] of [['light', 'approve'], ['dark', 'reject']]) {
    // Markup in the text shows as text (the server already turns < > into
    // ‹ ›; the card sets textContent): no element comes of it.
    const token = `browser ${RUN}: card ${decision}`;
    const text = `${token} <img src=x onerror=alert(1)><b>not bold</b>`;
    const seen = await page.evaluate(([t, s]) => window.host.show('send_message', { account_id: '65d1c0a8e4b0a1000c000102', text: t }, s), [text, scheme]);
    const card = seen.meta?.['leeloo-mcp/approval'];
    check(card?.secret && !seen.text.includes(card.secret) && !JSON.stringify(seen.structured).includes(card.secret),
      `cards (${scheme}): the secret is in _meta only, not in what the model reads`);
    await frame.locator('pre.preview').waitFor();
    const shownText = await frame.locator('pre.preview').textContent();
    check(shownText.includes(token) && /[<‹]b[>›]not bold/.test(shownText) && (await frame.locator('#card img, #card b').count()) === 0 &&
      (await frame.locator('button.approve').count()) === 1,
      `cards (${scheme}): the approval card shows the exact text, markup as text, with Approve and Reject`, shownText);
    await shot(page.locator('iframe'), `approval-card-${scheme}`);
    if (decision === 'approve') {
      // By keyboard: Approve has the focus.
      await frame.locator('button.approve').press('Enter');
    } else {
      await frame.locator('button.reject').click();
    }
    await frame.locator('.status.good, .status.bad').waitFor({ timeout: 5000 });
    const again = await page.evaluate((c) => window.host.call('approval_decide', { id: c.id, secret: c.secret, decision: 'approve' }), card);
    const n = await m.sent(token);
    check(n === (decision === 'approve' ? 1 : 0) && again.isError && (await frame.locator('button').count()) === 0,
      `cards (${scheme}): ${decision} through the card ${decision === 'approve' ? 'sends exactly once' : 'sends nothing'}; a replay does nothing`,
      `sent ${n} times; replay: ${JSON.stringify(again.content)}`);
  }

  for (const scheme of ['light', 'dark']) {
    const seen = await page.evaluate((s) => window.host.show('get_tunnels_stats', {}, s), scheme);
    await frame.locator('svg.funnel rect').first().waitFor();
    const bars = await frame.locator('svg.funnel rect').count();
    const roi = await frame.locator('.roi').textContent();
    check(bars === 5 && /ROI/.test(roi) && seen.text.split('\n').length <= 3,
      `cards (${scheme}): the funnel card draws five steps and the ROI; the model's text stays compact`, `${bars} bars, ${roi}`);
    await shot(page.locator('iframe'), `funnel-card-${scheme}`);
  }
  await ctx.close();
  host.close();
}

async function main() {
  if (!BIN) throw new Error('set LEELOO_BIN');
  if (SHOTS) mkdirSync(SHOTS, { recursive: true });
  const executablePath = process.env.E2E_CHROMIUM || execSync('command -v chromium', { shell: '/bin/sh' }).toString().trim();
  const browser = await chromium.launch({
    executablePath,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
      '--disable-sync', '--no-first-run'],
  });
  const s = await startServer();
  const m = await modelClient(s.base);
  try {
    await approvalPage(browser, m, s.base, () => startServer(['--approval-ttl', '1s']));
    await cards(browser, s.base, m);
  } catch (e) {
    check(false, 'browser tests ran to the end', e.stack);
  } finally {
    await m.client.close();
    await browser.close();
    s.stop();
  }
  console.log(`browser: ${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main();
