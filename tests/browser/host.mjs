// The standalone host for browser tests: a temp VARDIR prepared by
// setup-demo.php, PHP's built-in server on a free loopback port in its own
// process group (so the workers die with it), and small helpers around them.

import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const EXTENSION = process.env.CASHBACK_EXTENSION ?? join(ROOT, 'target/release/libcashback.so');
const PHP = process.env.PHP ?? 'php';

/** Runs a PHP script with the extension loaded; returns its stdout. */
export function php(script, args = [], env = {}) {
  return execFileSync(PHP, ['-d', `extension=${EXTENSION}`, script, ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    encoding: 'utf8',
    timeout: 20_000,
  });
}

/** A password_hash() string for a config, as an operator would make one. */
export function passwordHash(password) {
  return execFileSync(PHP, ['-r', 'echo password_hash($argv[1], PASSWORD_DEFAULT);', password], { encoding: 'utf8' });
}

/** Runs SQL on a database file through the sqlite3 CLI, behind the ledger's back. */
export function sqlite(database, sql) {
  return execFileSync('/usr/bin/sqlite3', [database, sql], { encoding: 'utf8', timeout: 10_000 });
}

export function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

export function makeVarDir() {
  return mkdtempSync(join(tmpdir(), 'cashback-admin-test-'));
}

/** setup-demo.php: config.php with a random admin password, the demo ledger and key. */
export function setupDemo(varDir, port) {
  php('php/bin/setup-demo.php', [varDir, String(port)]);
  return {
    config: join(varDir, 'config.php'),
    database: join(varDir, 'cashback.db'),
    password: readFileSync(join(varDir, 'admin-password'), 'utf8').trim(),
  };
}

/** A config.php like setup-demo's, for hosts whose settings a test chooses. */
export function writeConfig(file, settings) {
  const literal = (value) => `'${String(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
  const body = Object.entries(settings).map(([k, v]) => `  ${literal(k)} => ${typeof v === 'number' ? v : literal(v)},`).join('\n');
  writeFileSync(file, `<?php\n\nreturn [\n${body}\n];\n`);
}

/**
 * Starts `php -S` on the front controller and waits until /admin/login answers.
 * `ini` adds php.ini settings, e.g. { memory_limit: '128M' } to serve under
 * php-fpm's limits rather than the CLI's unlimited memory.
 */
export async function startHost({ config, port, workers = 4, logFile, ini = {} }) {
  const settings = Object.entries(ini).flatMap(([name, value]) => ['-d', `${name}=${value}`]);
  const child = spawn(PHP, ['-d', `extension=${EXTENSION}`, '-d', 'enable_post_data_reading=0', ...settings, '-S', `127.0.0.1:${port}`, 'php/public/index.php'], {
    cwd: ROOT,
    env: { ...process.env, PHP_CLI_SERVER_WORKERS: String(workers), CASHBACK_CONFIG: config },
    detached: true, // its own process group: stop() kills the workers too
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk) => { output = (output + chunk).slice(-20_000); };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((r) => child.once('exit', r));
  const running = () => child.exitCode === null && child.signalCode === null;
  const killGroup = (signal) => {
    try { process.kill(-child.pid, signal); } catch { /* already gone */ }
  };
  const groupAlive = () => {
    try { process.kill(-child.pid, 0); return true; } catch { return false; }
  };
  // A crashed test run must not leave a server behind either.
  const onExit = () => killGroup('SIGKILL');
  process.once('exit', onExit);
  const host = {
    url: `http://127.0.0.1:${port}`,
    output: () => output,
    /** Ends the server and its workers: SIGTERM to the group, SIGKILL after 3 s. */
    async stop() {
      process.removeListener('exit', onExit);
      if (running()) {
        killGroup('SIGTERM');
        const timer = setTimeout(() => killGroup('SIGKILL'), 3000);
        await exited;
        clearTimeout(timer);
      }
      // A worker that outlived its master still holds the group: finish it.
      if (groupAlive()) killGroup('SIGKILL');
      if (logFile) writeFileSync(logFile, output);
    },
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (!running()) throw new Error(`php -S exited early:\n${output}`);
    try {
      const response = await fetch(`${host.url}/admin/login`, { redirect: 'manual' });
      if (response.status === 200) return host;
    } catch { /* not listening yet */ }
    if (Date.now() > deadline) {
      await host.stop();
      throw new Error(`php -S did not answer within 10 s:\n${output}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true });
}
