// The standalone admin page in a real headless browser (Debian's chromium
// driven by playwright-core): sign-in, the sync-log filters and paging, the
// silent-stores panel, escaping of hostile data, security headers, sign-out,
// and the friendly error page when the database is unavailable.
//
// Run: cd tests/browser && npm install --no-audit --no-fund && cd ../.. && node --test tests/browser/

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { freePort, makeVarDir, passwordHash, php, removeDir, setupDemo, sqlite, startHost, writeConfig } from './host.mjs';

const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const SCREENSHOT = process.env.ADMIN_SCREENSHOT ?? '/tmp/admin.png';

// What seed.php writes (see there); the demo setup adds 2 rows for store-1 and store-2.
const MSK = 'msk-01';
const EVIL = '"><img src=x onerror=alert(1)>';
const SCRIPT = '<script>alert(1)</script>';
const SILENT = 'spb-07';
const TOTAL_ROWS = 25;
const MSK_ROWS = 14; // 11 success, 1 error, 2 duplicate
const EVIL_ROWS = 5; // 3 success, 2 error
const BY_STATUS = { success: 16, duplicate: 2, error: 3, forbidden: 1, throttled: 1, unauthorized: 2 };
// Three msk-01 rows moved to this Moscow time, to test the date filter's zone.
const BACKDATED_IDS = ['MSK-0003', 'MSK-0004', 'MSK-0005'];
const BACKDATED_AT = '2026-01-15T10:30:00+03:00';
// The throttled row made to stand for many refusals from one address, as the ledger aggregates them.
const REFUSING_ADDRESS = '203.0.113.7';
const REFUSALS = 523;

const SECURITY_HEADERS = {
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-store',
};

let varDir;
let demo;
let host;
let context;
let page;
let lastDocument; // the response of the last main-frame document
const dialogs = [];
const pageErrors = [];
const consoleErrors = [];

function assertSecurityHeaders(headers, where) {
  for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
    assert.equal(headers[name], value, `${name} on ${where}`);
  }
  const csp = headers['content-security-policy'] ?? '';
  assert.match(csp, /(^|;)\s*default-src 'self'/, `CSP default-src on ${where}`);
  assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/, `CSP allows no inline script on ${where}`);
  assert.equal(headers['x-powered-by'], undefined, `no X-Powered-By on ${where}`);
}

async function open(path) {
  const response = await page.goto(host.url + path);
  return response;
}

/** Clicks something that loads a new document and waits for it. */
async function clickAndLoad(selector) {
  const loaded = page.waitForEvent('load');
  await page.click(selector);
  await loaded;
  return lastDocument;
}

async function logRows() {
  return page.$$eval('#sync-log-table tbody tr[data-id]', (rows) => rows.map((row) => ({
    id: Number(row.dataset.id),
    time: row.querySelector('.time').textContent,
    client: row.querySelector('.client').textContent,
    address: row.querySelector('.address').textContent,
    store: row.querySelector('.store').textContent,
    externalId: row.querySelector('.external-id').textContent,
    status: row.querySelector('.status .badge').textContent,
    times: row.querySelector('.status .times')?.textContent ?? null,
    error: row.querySelector('.error').textContent,
  })));
}

async function filter(fields) {
  await open('/admin/');
  for (const [name, value] of Object.entries(fields)) {
    const selector = `#f-${name}`;
    if (await page.$eval(selector, (el) => el.tagName) === 'SELECT') {
      await page.selectOption(selector, value);
    } else {
      await page.fill(selector, value);
    }
  }
  const response = await clickAndLoad('#log-filter button[type=submit]');
  assert.equal(response.status(), 200);
  return logRows();
}

async function sessionCookie() {
  return (await context.cookies(`${host.url}/admin/`)).find((c) => c.name.startsWith('cashback_admin_'));
}

async function assertNothingInjected(where) {
  const injected = await page.evaluate(() => ({
    scripts: document.querySelectorAll('script').length,
    images: document.querySelectorAll('img').length,
    bold: document.querySelectorAll('main b').length,
    handlers: [...document.querySelectorAll('*')].filter((el) => [...el.attributes].some((a) => a.name.startsWith('on'))).length,
  }));
  assert.deepEqual(injected, { scripts: 0, images: 0, bold: 0, handlers: 0 }, `injected elements on ${where}`);
  assert.deepEqual(dialogs, [], `dialogs on ${where}`);
}

describe('admin page', { timeout: 60_000 }, () => {
  before(async () => {
    varDir = makeVarDir();
    const port = await freePort();
    demo = setupDemo(varDir, port);
    php('tests/browser/seed.php', [demo.database]);
    // spb-07: registered 30 h ago and never seen, so silent (default threshold 6 h).
    sqlite(demo.database, `UPDATE stores SET registered_at = ${Date.now() - 30 * 3600_000} WHERE store_id = '${SILENT}';`
      + ` UPDATE sync_log SET at = ${Date.parse(BACKDATED_AT)} WHERE external_id IN (${BACKDATED_IDS.map((id) => `'${id}'`).join(', ')});`
      + ` UPDATE sync_log SET address = '${REFUSING_ADDRESS}', times = ${REFUSALS} WHERE status = 'throttled';`);
    host = await startHost({ config: demo.config, port, logFile: join(varDir, 'server.log') });

    context = await chromium.launchPersistentContext(join(varDir, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1360, height: 900 },
      timeout: 20_000,
    });
    context.setDefaultTimeout(10_000);
    page = context.pages()[0] ?? await context.newPage();
    page.on('dialog', (dialog) => { dialogs.push(dialog.message()); dialog.dismiss().catch(() => {}); });
    page.on('pageerror', (error) => pageErrors.push(String(error)));
    // CSP violations are reported on the console; HTTP errors the test provokes (401, a 404 favicon) are not of interest.
    page.on('console', (message) => {
      if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) consoleErrors.push(message.text());
    });
    page.on('response', (response) => {
      if (response.request().isNavigationRequest() && response.frame() === page.mainFrame()) lastDocument = response;
    });
  });

  after(async () => {
    await context?.close().catch(() => {});
    await host?.stop();
    if (varDir) removeDir(varDir);
  });

  test('without a session /admin/ leads to the login form', async () => {
    const redirect = await fetch(`${host.url}/admin/`, { redirect: 'manual' });
    assert.equal(redirect.status, 303);
    assert.equal(redirect.headers.get('location'), '/admin/login');
    assertSecurityHeaders(Object.fromEntries(redirect.headers), 'the redirect');

    const response = await open('/admin/');
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    assert.equal(response.status(), 200);
    assert.ok(await page.isVisible('#login-form input[type=password]'));
    assert.equal(await page.$('#sync-log-table'), null, 'no log without a session');
    assertSecurityHeaders(response.headers(), 'the login page');
  });

  test('the session cookie is HttpOnly, SameSite=Strict and limited to /admin', async () => {
    const cookie = await sessionCookie();
    assert.ok(cookie, 'the login form starts a session');
    assert.equal(cookie.httpOnly, true);
    assert.equal(cookie.sameSite, 'Strict');
    assert.equal(cookie.path, '/admin');
    assert.ok(await page.$eval('#login-form input[name=csrf]', (el) => el.value.length >= 32), 'CSRF token in the form');
  });

  test('a wrong password is refused', async () => {
    await page.fill('#password', 'not-the-password');
    const response = await clickAndLoad('#login-form button[type=submit]');
    assert.equal(response.status(), 401);
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    assert.equal(await page.textContent('#login-error'), 'Wrong password.');
    await open('/admin/');
    assert.equal(new URL(page.url()).pathname, '/admin/login', 'still signed out');
  });

  test('a login without the CSRF token is refused, even with the right password', async () => {
    const response = await page.request.post(`${host.url}/admin/login`, { form: { password: demo.password }, maxRedirects: 0 });
    assert.equal(response.status(), 400);
    await open('/admin/');
    assert.equal(new URL(page.url()).pathname, '/admin/login', 'still signed out');
  });

  test('the right password signs in and gets a new session id', async () => {
    const before = await sessionCookie();
    await page.fill('#password', demo.password);
    const response = await clickAndLoad('#login-form button[type=submit]');
    assert.equal(response.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/admin/');
    assert.ok(await page.isVisible('#sync-log-table'));
    const after = await sessionCookie();
    assert.notEqual(after.value, before.value, 'session id regenerated on sign-in');
    assert.equal(after.httpOnly, true);
    assert.equal(after.sameSite, 'Strict');
    assertSecurityHeaders(response.headers(), 'the dashboard');
    assert.match(response.headers()['content-type'], /^text\/html; charset=utf-8/);
  });

  test('the log shows the seeded rows, hostile strings as literal text', async () => {
    await open('/admin/');
    const rows = await logRows();
    assert.equal(rows.length, TOTAL_ROWS);
    assert.ok(rows.every((row, i) => i === 0 || row.id < rows[i - 1].id), 'newest first');
    assert.equal(rows.filter((row) => row.client === SCRIPT).length, MSK_ROWS, 'the <script> client as text');
    assert.equal(rows.filter((row) => row.store === EVIL).length, EVIL_ROWS, 'the hostile store as text');
    assert.deepEqual(rows.filter((row) => row.externalId === SCRIPT).map((r) => r.store), [EVIL]);
    assert.deepEqual(rows.filter((row) => row.externalId === EVIL).map((r) => r.client), [EVIL]);
    assert.equal(rows.filter((row) => row.externalId === 'it\'s "quoted" & <b>bold</b>').length, 1);
    assert.equal(rows.filter((row) => row.externalId === 'Начисление_0011').length, 1, 'Cyrillic external id');
    assert.equal(rows.filter((row) => row.externalId === 'Возврат_№5_«тест»').length, 1);
    const refused = rows.find((row) => row.externalId === 'MSK-DEBIT-0001');
    assert.deepEqual([refused.status, refused.error], ['error', 'insufficient_balance']);
    const throttled = rows.find((row) => row.status === 'throttled');
    assert.deepEqual([throttled.address, throttled.times], [REFUSING_ADDRESS, `×${REFUSALS}`], 'the address and count of aggregated refusals');
    assert.ok(rows.every((row) => row === throttled || (row.address === '—' && row.times === null)), 'one request: no address, no count');
    const storeOptions = await page.$$eval('#f-store option', (options) => options.map((o) => o.value));
    assert.ok(storeOptions.includes(EVIL), 'the hostile store is a selectable option value');
    assert.ok(storeOptions.includes(MSK));
    await assertNothingInjected('the full log');
  });

  test('filtering by store narrows the rows', async () => {
    let rows = await filter({ store: MSK });
    assert.equal(rows.length, MSK_ROWS);
    assert.ok(rows.every((row) => row.store === MSK));
    assert.equal(new URL(page.url()).searchParams.get('store'), MSK);

    rows = await filter({ store: EVIL });
    assert.equal(rows.length, EVIL_ROWS);
    assert.ok(rows.every((row) => row.store === EVIL));
    assert.equal(await page.$eval('#f-store', (el) => el.value), EVIL, 'the filter keeps the hostile store selected');
    await assertNothingInjected('the hostile store filter');
  });

  test('filtering by status narrows the rows', async () => {
    await open('/admin/');
    const offered = await page.$$eval('#f-status option', (options) => options.map((o) => o.value));
    assert.deepEqual(offered.slice(1).sort(), Object.keys(BY_STATUS).sort(), 'every log status is offered');
    for (const [status, count] of Object.entries(BY_STATUS)) {
      const rows = await filter({ status });
      assert.equal(rows.length, count, `status ${status}`);
      assert.ok(rows.every((row) => row.status === status));
    }
    const rows = await filter({ store: MSK, status: 'error' });
    assert.deepEqual(rows.map((row) => row.externalId), ['MSK-DEBIT-0001']);
  });

  test('filtering by external id, with a hostile value', async () => {
    const rows = await filter({ external_id: EVIL });
    assert.equal(rows.length, 1);
    assert.equal(rows[0].externalId, EVIL);
    assert.equal(await page.$eval('#f-external_id', (el) => el.value), EVIL, 'the value is kept as text');
    await assertNothingInjected('the external id filter');
  });

  test('the date range is read in Moscow time', async () => {
    let rows = await filter({ from: '2026-01-15T10:00', to: '2026-01-15T11:00' });
    assert.deepEqual(rows.map((row) => row.externalId).sort(), BACKDATED_IDS);
    assert.ok(rows.every((row) => row.time === '2026-01-15 10:30:00'));
    assert.equal(await page.$eval('#f-from', (el) => el.value), '2026-01-15T10:00');
    // The same hours read as UTC would be 13:00-14:00 in Moscow: nothing there.
    rows = await filter({ from: '2026-01-15T13:00', to: '2026-01-15T14:00' });
    assert.equal(rows.length, 0);
    assert.ok(await page.isVisible('#sync-log-table tr.empty'));
    // A malformed bookmark is ignored with a message, not an error page.
    const response = await open('/admin/?from=yesterday&limit=abc');
    assert.equal(response.status(), 200);
    assert.equal((await logRows()).length, TOTAL_ROWS);
    assert.match(await page.textContent('#filter-problems'), /From: expected a date and time/);
  });

  test('paging with the cursor keeps the filters', async () => {
    await open(`/admin/?store=${MSK}&limit=5`);
    const pages = [await logRows()];
    assert.equal(await page.$('#page-newest'), null, 'no "Newest" link on the newest page');
    while (await page.$('#page-older')) {
      const href = await page.getAttribute('#page-older', 'href');
      const params = new URL(href, host.url).searchParams;
      assert.equal(params.get('store'), MSK);
      assert.equal(params.get('limit'), '5');
      assert.match(params.get('cursor'), /^\d+$/);
      await clickAndLoad('#page-older');
      pages.push(await logRows());
      assert.ok(pages.length < 10, 'paging ends');
    }
    assert.deepEqual(pages.map((p) => p.length), [5, 5, 4]);
    const ids = pages.flat().map((row) => row.id);
    assert.equal(new Set(ids).size, MSK_ROWS, 'every row once');
    assert.ok(ids.every((id, i) => i === 0 || id < ids[i - 1]), 'pages continue newest to oldest');
    assert.ok(pages.flat().every((row) => row.store === MSK));
    await clickAndLoad('#page-newest');
    assert.deepEqual((await logRows()).map((row) => row.id), pages[0].map((row) => row.id));
    assert.equal(new URL(page.url()).searchParams.get('cursor'), null);
  });

  test('the silent-stores panel lists the backdated store', async () => {
    await open('/admin/');
    const silent = await page.$$eval('#silent-stores-table tbody tr', (rows) => rows.map((row) => ({
      store: row.querySelector('.store').textContent,
      name: row.querySelector('.name').textContent,
      lastSeen: row.querySelector('.last-seen').textContent,
      silentFor: row.querySelector('.silent-for').textContent,
    })));
    assert.deepEqual(silent, [{ store: SILENT, name: 'Санкт-Петербург, Невский 10', lastSeen: 'never seen', silentFor: '1 d 6 h' }]);
    const activity = await page.$$eval('#store-activity-table tbody tr .store', (cells) => cells.map((c) => c.textContent));
    assert.deepEqual([...activity].sort(), [EVIL, MSK, SILENT, 'store-1', 'store-2'].sort());
    assert.equal(activity.at(-1), SILENT, 'never-seen stores last');
  });

  test('the stylesheet loads under the CSP and the page looks right', async () => {
    const css = await page.request.get(`${host.url}/admin/admin.css`);
    assert.equal(css.status(), 200);
    assert.match(css.headers()['content-type'], /^text\/css/);
    assertSecurityHeaders(css.headers(), 'the stylesheet');
    const topbar = await page.$eval('.topbar', (el) => getComputedStyle(el).backgroundColor);
    assert.equal(topbar, 'rgb(29, 35, 48)', 'admin.css applied');
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
    assert.deepEqual(consoleErrors, [], 'no console errors (CSP violations show here)');
    assert.deepEqual(pageErrors, []);
  });

  test('log out ends the session', async () => {
    const csrf = await page.$eval('.logout input[name=csrf]', (el) => el.value);
    const forged = await page.request.post(`${host.url}/admin/logout`, { form: { csrf: 'forged' }, maxRedirects: 0 });
    assert.equal(forged.status(), 400, 'log out needs the CSRF token');
    assert.ok(csrf.length >= 32);
    const response = await clickAndLoad('.logout button[type=submit]');
    assert.equal(new URL(page.url()).pathname, '/admin/login');
    assert.equal(response.status(), 200);
    await open('/admin/');
    assert.equal(new URL(page.url()).pathname, '/admin/login', 'signed out');
    const again = await page.request.get(`${host.url}/admin/`, { maxRedirects: 0 });
    assert.equal(again.status(), 303);
  });

  test('a database fault shows a friendly error block with HTTP 503', async () => {
    const port = await freePort();
    const password = 'fault-test-password';
    const config = join(varDir, 'broken-config.php');
    writeConfig(config, { database: join(varDir, 'no-such-dir', 'cashback.db'), admin_password_hash: passwordHash(password) });
    const broken = await startHost({ config, port, workers: 1 });
    try {
      await page.goto(`${broken.url}/admin/login`);
      await page.fill('#password', password);
      const response = await clickAndLoad('#login-form button[type=submit]');
      assert.equal(response.status(), 503);
      assert.equal(new URL(page.url()).pathname, '/admin/login', 'the sign-in already needs the ledger (its throttle)');
      assert.match(await page.textContent('#error'), /temporarily unavailable/);
      assert.ok(response.headers()['retry-after']);
      assertSecurityHeaders(response.headers(), 'the error page');
      const body = await page.content();
      for (const leak of ['CashbackException', 'no-such-dir', '.php', 'Stack trace', '#0 ']) {
        assert.ok(!body.includes(leak), `the error page does not show "${leak}"`);
      }
      assert.match(broken.output(), /cashback admin: database_unavailable/, 'the details go to the server log');
    } finally {
      await broken.stop();
    }
    assert.deepEqual(dialogs, [], 'no dialog ever');
    assert.deepEqual(pageErrors, []);
  });

  test('the server logged no PHP warnings, notices or errors', () => {
    assert.doesNotMatch(host.output(), /PHP (Warning|Notice|Deprecated|Fatal error|Parse error)|cashback admin:/);
  });
});

