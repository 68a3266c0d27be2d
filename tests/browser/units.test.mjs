// The admin page's plain PHP classes, without a server or browser: query
// parsing, the password gate, formatting, escaping in the rendered HTML, and
// the routes that need neither session nor database. See units.php.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import { php } from './host.mjs';

const EVIL = '"><img src=x onerror=alert(1)>';
// With the extension: the status filter's values are its vocabulary's log statuses.
const out = JSON.parse(php('tests/browser/units.php'));

test('LogQuery passes valid filters to the ledger in its own zone (no offset)', () => {
  assert.deepEqual(out.query_full.filter, {
    store_id: 'msk-01', status: 'error', external_id: EVIL, from: '2026-01-15T10:00:00', to: '2026-01-15T11:00:30',
  });
  assert.equal(out.query_full.limit, 5);
  assert.equal(out.query_full.cursor, 42);
  assert.deepEqual(out.query_full.problems, []);
  assert.equal(out.query_full.link.cursor, 7);
  assert.equal(out.query_full.link.limit, 5);
  assert.deepEqual(out.query_empty, {
    filter: [], limit: 50, cursor: null, problems: [], link: { store: '', status: '', from: '', to: '', external_id: '', cursor: 7 },
  });
});

test('LogQuery drops malformed values with a message instead of failing', () => {
  assert.deepEqual(out.query_bad.filter, []);
  assert.deepEqual(out.query_bad.problems, ['invalid_status', 'invalid_from', 'invalid_to', 'invalid_limit', 'invalid_cursor']);
  assert.equal(out.query_bad.limit, 50);
  assert.equal(out.query_bad.cursor, null);
  assert.deepEqual(out.query_arrays.problems, ['invalid_to', 'invalid_limit']);
});

test('LogQuery takes every log status of the vocabulary, refused authentications included', () => {
  assert.ok(out.log_statuses.includes('throttled') && out.log_statuses.includes('forbidden'), out.log_statuses.join());
  assert.deepEqual(out.query_statuses, out.log_statuses.map((status) => ({ status })));
});

test('PasswordGate accepts only the configured password', () => {
  assert.deepEqual(out.gate, {
    right: true, wrong: false, empty: false, huge: false, unconfigured: [false, false, false], not_a_hash: false,
  });
});

test('Format and Labels', () => {
  assert.equal(out.format.time, '2026-11-27 10:15:00');
  assert.deepEqual(out.format.silence, [
    'under a minute', 'under a minute', '1 min', '59 min', '1 h 0 min', '1 h 1 min', '23 h 59 min', '1 d 6 h', '2 d 7 h',
  ]);
  assert.deepEqual(out.format.threshold, ['6 h (default)', '2 h']);
  assert.deepEqual(out.labels, ['3 rows shown', '3 строк', 'no_such_key']);
});

test('the status filter offers any status and every log status, each with its label', () => {
  assert.deepEqual(out.status_options.map(([value]) => value), ['', ...out.log_statuses]);
  assert.equal(out.status_options[0][1], 'any');
  for (const [value, label] of out.status_options.slice(1)) {
    assert.ok(label.startsWith(`${value}: `) && label.length > value.length + 2, `label of ${value}: ${label}`);
  }
});

test('escaping and URLs', () => {
  assert.equal(out.escape, '&quot;&#039;&lt;&gt;&amp;\uFFFD');
  assert.equal(out.url, '/admin/?store=%22%3E%3Cimg%20src%3Dx%20onerror%3Dalert%281%29%3E&cursor=5');
  assert.deepEqual(out.dashboard, {
    raw_script: 0, raw_img: 0, raw_onclick: 0, escaped_store: 5, older_link: true, status_class: true, csrf: true,
  });
  assert.deepEqual(out.login, [true, true]);
  assert.equal(out.error_page, true);
});

test('every response carries the security headers', () => {
  const h = out.headers;
  assert.match(h['Content-Security-Policy'], /^default-src 'self';/);
  assert.match(h['Content-Security-Policy'], /script-src 'none'/);
  assert.equal(h['X-Frame-Options'], 'DENY');
  assert.equal(h['X-Content-Type-Options'], 'nosniff');
  assert.equal(h['Referrer-Policy'], 'no-referrer');
  assert.equal(h['Cache-Control'], 'no-store');
});

test('routes that need no session', () => {
  assert.deepEqual(out.routes, {
    admin: [303, '/admin/'],
    dashboard_anonymous: [303, '/admin/login'],
    css: [200, 'text/css; charset=utf-8'],
    missing: [404, 'text/html; charset=utf-8'],
    post_dashboard: [405, 'GET'],
    get_logout: [405, 'POST'],
    put_login: [405, 'GET, POST'],
  });
});
