// A browser's cookie jar over plain HTTP, for tests that need no rendering
// (sign-in throttling, pages too large to be worth a browser's time).

import assert from 'node:assert/strict';
import { request } from 'node:http';

/**
 * A browser's cookie jar on one source address. Like a browser it keeps
 * cookies per host name, not per port, so hosts on one machine see each
 * other's cookies.
 */
export class Client {
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
