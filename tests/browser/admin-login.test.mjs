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
import { request } from 'node:http';
import { join } from 'node:path';
import { freePort, makeVarDir, passwordHash, removeDir, setupDemo, startHost, writeConfig } from './host.mjs';

const MAX_FAILURES = 5;

/**
 * A browser's cookie jar on one source address. Like a browser it keeps
 * cookies per host name, not per port, so hosts on one machine see each
 * other's cookies.
 */
class Client {
  constructor(localAddress = '127.0.0.1') {
    this.localAddress = localAddress;
    this.cookies = new Map();
  }

  get(url) {
    return this.send('GET', url);
  }

  post(url, fields) {
    return this.send('POST', url, new URLSearchParams(fields).toString());
  }

  /** The sign-in form, then the password; returns the answer to the POST. */
  async signIn(host, password) {
    return this.post(`${host.url}/admin/login`, { csrf: await this.csrf(host), password });
  }

  async csrf(host) {
    const form = await this.get(`${host.url}/admin/login`);
    const token = /name="csrf" value="([^"]+)"/.exec(form.body)?.[1];
    assert.ok(token, `a CSRF token in the form (HTTP ${form.status})`);
    return token;
  }

  /** Whether this jar opens the host's sync monitor (a signed-out visitor is sent to the form). */
  async opensDashboard(host) {
    const response = await this.get(`${host.url}/admin/`);
    assert.ok([200, 303].includes(response.status), `GET /admin/: HTTP ${response.status}`);
    return response.status === 200;
  }

  send(method, url, body) {
    const headers = { Cookie: [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
    if (body !== undefined) {
      headers['Content-Type'] = 'application/x-www-form-urlencoded';
      headers['Content-Length'] = Buffer.byteLength(body);
    }
    return new Promise((resolve, reject) => {
      const outgoing = request(url, { method, headers, localAddress: this.localAddress }, (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk) => { text += chunk; });
        response.on('end', () => {
          this.keep(response.headers['set-cookie'] ?? []);
          resolve({ status: response.statusCode, headers: response.headers, body: text });
        });
      });
      outgoing.on('error', reject);
      outgoing.end(body);
    });
  }

  keep(setCookies) {
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const [name, value] = pair.split('=');
      if (/;\s*max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }
}

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
