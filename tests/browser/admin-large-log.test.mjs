// The sync monitor on a log of huge rows, as older databases hold them (a
// rejected batch item's 400,000-character external_id was logged raw), served
// under php-fpm's limits: the largest page answers quickly with a bounded
// size, long values are cut short, and the "older" links page by bytes as
// well as rows until they reach the oldest row.
//
// Plain HTTP, no browser: the pages are only parsed, and a browser would
// spend its time rendering them.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client } from './client.mjs';
import { freePort, makeVarDir, removeDir, setupDemo, sqlite, startHost } from './host.mjs';

const BIG_ROWS = 400;
const EXTERNAL_ID_CHARS = 400_000;
const SHOWN_CHARS = 128;
const MAX_PAGE_BYTES = 2 * 1024 * 1024;
const MAX_PAGE_MS = 5_000;
// php-fpm's defaults on Debian (the CLI's are unlimited).
const FPM_LIMITS = { memory_limit: '128M', max_execution_time: 30 };

/** The text of big row i, in SQL: a prefix that tells rows apart, then `unit` repeated. */
const repeated = (prefix, unit, chars) => `${prefix} || replace(hex(zeroblob(${chars / unit.length})), '00', '${unit}')`;

/** As the page escapes text: it cuts values at characters, then escapes them. */
function escapeHtml(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#039;');
}

function unescapeHtml(text) {
  return text.replace(/&quot;/g, '"').replace(/&#039;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** What the test needs of one dashboard page. */
function parsePage(html) {
  const ids = [...html.matchAll(/<tr data-id="(\d+)">/g)].map((m) => Number(m[1]));
  const older = /<a id="page-older" rel="next" href="([^"]+)">/.exec(html)?.[1];
  const externalIds = [...html.matchAll(/<td class="external-id">([^<]*)<\/td>/g)].map((m) => m[1]);
  return { ids, older: older === undefined ? null : unescapeHtml(older), externalIds };
}

describe('a sync log of huge rows', { timeout: 120_000 }, () => {
  let varDir;
  let host;
  let client;
  let allIds;

  before(async () => {
    varDir = makeVarDir();
    const port = await freePort();
    const demo = setupDemo(varDir, port);
    // Written behind the ledger's back: it no longer accepts such ids. Client and error are long too.
    sqlite(demo.database, `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${BIG_ROWS})
      INSERT INTO sync_log (at, client, store_id, endpoint, external_id, status, error, duration_ms)
      SELECT strftime('%s', 'now') * 1000 - ${BIG_ROWS} + i, ${repeated(`'client-' || i`, '"&', 4000)},
        'store-1', 'transactions/batch', ${repeated(`'BIG-' || i || '-'`, '<"&x', EXTERNAL_ID_CHARS)}, 'error', ${repeated(`'validation_failed: '`, '<>', 4000)}, 3 FROM n;`);
    allIds = sqlite(demo.database, 'SELECT id FROM sync_log ORDER BY id DESC;').trim().split('\n').map(Number);
    host = await startHost({ config: demo.config, port, workers: 2, logFile: join(varDir, 'server.log'), ini: FPM_LIMITS });
    client = new Client();
    assert.equal((await client.signIn(host, demo.password)).status, 303);
  });

  after(async () => {
    await host?.stop();
    if (varDir) removeDir(varDir);
  });

  async function load(path) {
    const started = Date.now();
    const response = await client.get(host.url + path);
    const elapsed = Date.now() - started;
    assert.equal(response.status, 200, `${path}: HTTP ${response.status}`);
    const bytes = Buffer.byteLength(response.body);
    assert.ok(bytes < MAX_PAGE_BYTES, `${path}: ${bytes} bytes`);
    assert.ok(elapsed < MAX_PAGE_MS, `${path}: ${elapsed} ms`);
    return parsePage(response.body);
  }

  test('500 rows asked for: a page within its byte budget, long values cut short', async () => {
    const first = await load('/admin/?limit=500');
    assert.ok(first.ids.length > 0 && first.ids.length < BIG_ROWS, `the byte budget ends the page: ${first.ids.length} rows`);
    assert.deepEqual(first.ids, allIds.slice(0, first.ids.length), 'the newest rows, newest first');
    const newest = `BIG-${BIG_ROWS}-${'<"&x'.repeat(EXTERNAL_ID_CHARS / 4)}`;
    assert.equal(first.externalIds[0], escapeHtml(newest.slice(0, SHOWN_CHARS)) + '…');
    const cursor = new URL(first.older, host.url).searchParams;
    assert.equal(cursor.get('cursor'), String(first.ids.at(-1)), 'the next page starts after the last row shown');
    assert.equal(cursor.get('limit'), '500');
  });

  test('the "older" links reach the oldest row, every row once', async () => {
    const pages = [await load('/admin/?limit=500')];
    while (pages.at(-1).older !== null) {
      pages.push(await load(pages.at(-1).older));
      assert.ok(pages.length < 20, 'paging ends');
    }
    assert.ok(pages.length >= 2, `${pages.length} pages`);
    assert.deepEqual(pages.flatMap((page) => page.ids), allIds);
  });

  test('the server logged no PHP warnings, notices or errors', () => {
    assert.doesNotMatch(host.output(), /PHP (Warning|Notice|Deprecated|Fatal error|Parse error)|cashback admin:/);
  });
});
