// A JS device and a Java SDK device (the CLI, ccp-cli.jar) of one user exchange messages
// through a real server: the JS side issues the pairing code the Java side claims.

import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { createNodeClient } from '../../src/node.js';
import { CLI_JAR, eventually, startServer } from '../support/server.js';

const run = promisify(execFile);
const text = (bytes) => new TextDecoder().decode(bytes);

describe('ccp-js and the Java SDK', () => {
  let server;
  let work;
  let js;
  before(async () => {
    if (!existsSync(CLI_JAR)) {
      throw new Error(`the CLI jar is missing (${CLI_JAR}): build it from the repository root with `
        + './mvnw -B -ntp -o -q -pl ccp-cli -am package -DskipTests');
    }
    server = await startServer();
    work = mkdtempSync(join(tmpdir(), 'ccp-js-interop-'));
    writeFileSync(join(work, 'ca.pem'), server.ca);
  });
  after(async () => {
    await js?.client.close();
    js?.origin.disconnect();
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const cli = (...args) => run('java', ['-jar', CLI_JAR, `--server=${server.url}`, `--ca=${join(work, 'ca.pem')}`,
    `--identity=${join(work, 'java')}`, ...args], { timeout: 120000 });

  it('a Java device paired by a JS device exchanges messages with it both ways', async () => {
    js = createNodeClient({ server: server.url, ca: server.ca });
    await js.client.register(`interop-${process.pid}`);
    const jsId = (await js.client.identity()).deviceId;
    const code = await js.client.issuePairingCode();
    const javaId = (await cli('claim', '--name', 'java', code.pair_code)).stdout.trim().split(/\s+/).pop();
    assert.ok(javaId);

    await cli('send', '--channel', '21', `--members=${jsId}`, 'hello from java');
    const got = [];
    const session = await js.client.connect({ onMessage: (m) => got.push(text(m.payload)) });
    await session.join(21, [jsId, javaId]);
    await eventually(() => got.length === 1, 20000, 'the Java message');
    assert.deepEqual(got, ['hello from java']);

    await session.send(21, 'hello from js');
    const listened = await cli('listen', '--channel', '21', `--members=${jsId}`, '--count', '1', '--timeout', '60');
    assert.equal(listened.stdout.trim(), 'hello from js');
  });
});
