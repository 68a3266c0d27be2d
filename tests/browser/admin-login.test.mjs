// The admin sign-in against guessing and stale sessions, over plain HTTP:
// failed logins are throttled per client address (without holding a worker),
// a session ends when the configured password hash changes, and a session of
// one host never opens another host's admin page on the same machine.
//
// Loopback is all of 127.0.0.0/8, so a request sent from 127.0.0.2 reaches
// php -S on 127.0.0.1 with REMOTE_ADDR 127.0.0.2: each client below is one
// address, as a guesser and an operator on different machines would be.

import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Client } from './client.mjs';
import { freePort, makeVarDir, passwordHash, removeDir, setupDemo, startHost, writeConfig } from './host.mjs';

const MAX_FAILURES = 5;

/** A host on a fresh demo ledger; `config` can be rewritten while it runs (it is read on every request). */
async function demoHost() {
  const varDir = makeVarDir();
  const port = await freePort();
  const demo = setupDemo(varDir, port);
  const host = await startHost({ config: demo.config, port, workers: 2, logFile: join(varDir, 'server.log') });
  return {
    ...demo,
    host,
    async stop() {
      await host.stop();
      removeDir(varDir);
    },
  };
}

describe('failed logins are throttled per address', { timeout: 60_000 }, () => {
  let a;
  before(async () => { a = await demoHost(); });
  after(async () => { await a?.stop(); });

  test(`${MAX_FAILURES} wrong passwords make their address wait, the right password too: fast, and other addresses still sign in`, async () => {
    const guesser = new Client('127.0.0.2');
    const csrf = await guesser.csrf(a.host);
    const started = Date.now();
    for (let i = 1; i < MAX_FAILURES; i++) {
      const response = await guesser.post(`${a.host.url}/admin/login`, { csrf, password: `guess-${i}` });
      assert.equal(response.status, 401, `failure ${i}`);
      assert.match(response.body, /Wrong password\./);
    }
    const last = await guesser.post(`${a.host.url}/admin/login`, { csrf, password: `guess-${MAX_FAILURES}` });
    const elapsed = Date.now() - started;
    // 0.5 s per failure would be 2.5 s: a failure must not hold the worker.
    assert.ok(elapsed < 1500, `${MAX_FAILURES} failures answered in ${elapsed} ms`);
    assert.equal(last.status, 429, `failure ${MAX_FAILURES} starts the wait`);

    const right = await guesser.post(`${a.host.url}/admin/login`, { csrf, password: a.password });
    assert.equal(right.status, 429, 'the right password does not get through while waiting');
    const retryAfter = Number(right.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter > 0, `Retry-After: ${right.headers['retry-after']}`);
    assert.match(right.headers['content-type'], /^text\/html; charset=utf-8/);
    assert.match(right.body, /id="error"[^>]*>.*Too many failed sign-ins/s);
    assert.equal(right.headers['x-frame-options'], 'DENY', 'the security headers as on every admin page');
    assert.equal(await guesser.opensDashboard(a.host), false, 'not signed in');

    const operator = new Client('127.0.0.3');
    const response = await operator.signIn(a.host, a.password);
    assert.equal(response.status, 303, 'another address still signs in');
    assert.equal(response.headers.location, '/admin/');
    assert.equal(await operator.opensDashboard(a.host), true);
    assert.doesNotMatch(a.host.output(), /PHP (Warning|Notice|Deprecated|Fatal error|Parse error)|cashback admin:/);
  });
});

describe('a session ends with the password hash it was opened under', { timeout: 60_000 }, () => {
  let a;
  before(async () => { a = await demoHost(); });
  after(async () => { await a?.stop(); });

  const configure = (hash) => writeConfig(a.config, { database: a.database, admin_password_hash: hash });

  test('a new password hash refuses the old session, and restoring the old hash does not revive it', async () => {
    const original = passwordHash(a.password);
    configure(original);
    const admin = new Client();
    assert.equal((await admin.signIn(a.host, a.password)).status, 303);
    assert.equal(await admin.opensDashboard(a.host), true);

    configure(passwordHash('the-new-password'));
    assert.equal(await admin.opensDashboard(a.host), false, 'refused under the new hash');
    configure(original);
    assert.equal(await admin.opensDashboard(a.host), false, 'signed out, not suspended');
    assert.equal((await admin.signIn(a.host, a.password)).status, 303, 'signing in again works');
    assert.equal(await admin.opensDashboard(a.host), true);
  });

  test('an empty password hash refuses every session', async () => {
    configure(passwordHash(a.password));
    const admin = new Client();
    assert.equal((await admin.signIn(a.host, a.password)).status, 303);
    configure('');
    assert.equal(await admin.opensDashboard(a.host), false);
    const form = await admin.get(`${a.host.url}/admin/login`);
    assert.match(form.body, /Sign-in is disabled/);
  });
});

describe('hosts on one machine do not share sessions', { timeout: 60_000 }, () => {
  let a;
  let b;
  before(async () => { [a, b] = await Promise.all([demoHost(), demoHost()]); });
  after(async () => { await Promise.all([a?.stop(), b?.stop()]); });

  test("a session of host A does not open host B, and signing in to both keeps both", async () => {
    const admin = new Client();
    assert.equal((await admin.signIn(a.host, a.password)).status, 303);
    assert.equal(await admin.opensDashboard(a.host), true);
    assert.equal(await admin.opensDashboard(b.host), false, "A's cookie does not open B");

    assert.equal((await admin.signIn(b.host, b.password)).status, 303);
    assert.equal(await admin.opensDashboard(b.host), true);
    assert.equal(await admin.opensDashboard(a.host), true, "B's sign-in did not replace A's cookie");
  });
});
