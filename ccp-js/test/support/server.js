// Starts the real CCP server (ccp-server/target/ccp-server.jar) on a free port and a temp data
// directory, for the integration tests. A missing jar FAILS the tests with how to build it.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import http2 from 'node:http2';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');
export const SERVER_JAR = process.env.CCP_SERVER_JAR ?? join(REPO, 'ccp-server/target/ccp-server.jar');
export const CLI_JAR = process.env.CCP_CLI_JAR ?? join(REPO, 'ccp-cli/target/ccp-cli.jar');

function freePort() {
  return new Promise((ok, fail) => {
    const s = net.createServer();
    s.on('error', fail);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => ok(port));
    });
  });
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

function healthy(url, ca) {
  return new Promise((ok) => {
    const session = http2.connect(url, { ca });
    session.on('error', () => ok(false));
    const req = session.request({ ':path': '/healthz' });
    req.on('response', (h) => {
      ok(h[':status'] === 200);
      session.close();
    });
    req.on('error', () => ok(false));
    req.end();
  });
}

/** A running server: {url, ca, dataDir, stop()}. */
export async function startServer() {
  if (!existsSync(SERVER_JAR)) {
    throw new Error(`the server jar is missing (${SERVER_JAR}): build it from the repository root with `
      + './mvnw -B -ntp -o -q -pl ccp-server -am package -DskipTests');
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'ccp-js-it-'));
  const port = await freePort();
  const url = `https://localhost:${port}`;
  const child = spawn('java', ['-jar', SERVER_JAR, 'serve', `--data=${dataDir}`, `--bind=127.0.0.1:${port}`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
      // Every test device comes from 127.0.0.1: the per-address limits would refuse the suite.
      env: {
        ...process.env,
        CCP_SECURITY_RATE_LIMIT_REGISTER_BURST: '10000',
        CCP_SECURITY_RATE_LIMIT_PAIRING_BURST: '10000',
        CCP_SECURITY_RATE_LIMIT_CONNECT_BURST: '10000',
        CCP_SECURITY_RATE_LIMIT_HTTP_BURST: '10000',
      },
    });
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr = (stderr + d).slice(-4000);
  });
  const exited = new Promise((r) => child.once('exit', r));
  let ca = null;
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${stderr}`);
    const caFile = join(dataDir, 'dev-ca.pem');
    if (ca === null && existsSync(caFile)) ca = readFileSync(caFile);
    if (ca !== null && await healthy(url, ca)) {
      return {
        url, ca, dataDir,
        async stop() {
          child.kill('SIGTERM');
          await Promise.race([exited, sleep(15000)]);
          if (child.exitCode === null) child.kill('SIGKILL');
          rmSync(dataDir, { recursive: true, force: true });
        },
      };
    }
    await sleep(250);
  }
  child.kill('SIGKILL');
  throw new Error(`the server did not become healthy: ${stderr}`);
}

/** Waits until `check()` is true, polling; fails after `ms`. */
export async function eventually(check, ms = 15000, what = 'condition') {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await sleep(25);
  }
  throw new Error(`timed out waiting for ${what}`);
}
