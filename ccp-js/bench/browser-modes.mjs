// Figures of the browser transports against binary mode (issue #18 §7), in one run against one
// server: (1) messages per second and latency p50/p99 between this JS client, in each mode, and
// a Java SDK device (ccp-bench's SdkPeer) of the same user; (2) server heap per idle session.
// Not a test. Run from ccp-js/ (jars built with ./mvnw -B -ntp -o -q package -DskipTests):
//
//   npm run bench:modes -- --messages 2000 --burst 10000 --rate 200 --rounds 3 --idle 500
//
// This process starts the server, then runs itself again with NODE_EXTRA_CA_CERTS naming the
// server's development CA (fetch and WebSocket read it at start-up) and --experimental-websocket.
//
// A latency is: sender's clock just before session.send() (payload "tag seq micros") → the
// receiver's onMessage callback, after decryption. It includes the sender's queueing behind its
// window of unacknowledged sends, Noise, the transport's upstream (in SSE and long-poll a POST,
// one in flight, carrying what was written meanwhile), the server's relay and the downstream
// push. Both ends read this machine's clock.

import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { parseArgs, promisify } from 'node:util';
import { execFile } from 'node:child_process';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const SERVER_JAR = join(REPO, 'ccp-server/target/ccp-server.jar');
const BENCH_JAR = join(REPO, 'ccp-bench/target/benchmarks.jar');
const SERVER_LOG = '/tmp/browser-modes-server.log';
const MODES = ['binary', 'websocket', 'sse', 'long-poll'];
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const run = promisify(execFile);

const { values: opt } = parseArgs({
  options: {
    messages: { type: 'string', default: '2000' },
    rate: { type: 'string', default: '200' },
    burst: { type: 'string', default: '10000' },
    window: { type: 'string', default: '64' },
    rounds: { type: 'string', default: '3' },
    warmup: { type: 'string', default: '500' },
    idle: { type: 'string', default: '500' },
    'skip-latency': { type: 'boolean', default: false },
    'skip-idle': { type: 'boolean', default: false },
    out: { type: 'string', default: '/tmp/browser-modes.json' },
    report: { type: 'string' }, // only print the tables of a run's JSON
  },
});
const K = Number(opt.messages);
const RATE = Number(opt.rate);
const BURST = Number(opt.burst);
const WINDOW = Number(opt.window);
const ROUNDS = Number(opt.rounds);
const IDLE = Number(opt.idle);
const WARMUP = Number(opt.warmup);

const loadavg = () => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

if (opt.report) report(JSON.parse(readFileSync(opt.report, 'utf8')));
else if (!process.env.CCP_BENCH_SERVER) await launch();
else await bench();

// ---- launcher: the server, then this script again with the CA trusted ----

async function launch() {
  for (const jar of [SERVER_JAR, BENCH_JAR]) {
    if (!existsSync(jar)) throw new Error(`${jar} is missing: ./mvnw -B -ntp -o -q package -DskipTests`);
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'ccp-bench-modes-'));
  const port = await freePort();
  const server = spawn('java', ['-Xmx1g', '-jar', SERVER_JAR, 'serve', `--data=${dataDir}`, `--bind=127.0.0.1:${port}`], {
    stdio: ['ignore', 'ignore', openSync(SERVER_LOG, 'w')],
    env: {
      ...process.env,
      CCP_SECURITY_RATE_LIMIT_REGISTER_BURST: '100000',
      CCP_SECURITY_RATE_LIMIT_PAIRING_BURST: '100000',
      CCP_SECURITY_RATE_LIMIT_CONNECT_BURST: '100000',
      CCP_SECURITY_RATE_LIMIT_HTTP_BURST: '100000',
      // The idle sessions hold a connection each, all from 127.0.0.1 (default cap 256).
      CCP_SECURITY_RATE_LIMIT_MAX_CONNECTIONS_PER_ADDRESS: '100000',
    },
  });
  const ca = join(dataDir, 'dev-ca.pem');
  for (let i = 0; i < 480 && !existsSync(ca); i++) await sleep(250);
  await sleep(3000); // the listener comes up after the CA is written
  const child = spawn(process.execPath, ['--experimental-websocket', '--no-warnings', fileURLToPath(import.meta.url), ...process.argv.slice(2)], {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_EXTRA_CA_CERTS: ca,
      CCP_BENCH_SERVER: `https://localhost:${port}`,
      CCP_BENCH_CA: ca,
      CCP_BENCH_PID: String(server.pid),
    },
  });
  const code = await new Promise((r) => child.once('exit', r));
  server.kill('SIGTERM');
  await new Promise((r) => server.once('exit', r));
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(code ?? 1);
}

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

// ---- the benchmark ----

async function bench() {
  const { CcpClient, MemoryIdentityStore, browserTransports, Http2Origin, http2Rest, http2Transport } = await import('../src/node.js');
  const url = process.env.CCP_BENCH_SERVER;
  const ca = readFileSync(process.env.CCP_BENCH_CA);
  const pid = process.env.CCP_BENCH_PID;
  await waitHealthy();
  const result = { started: new Date().toISOString(), command: `node bench/browser-modes.mjs ${process.argv.slice(2).join(' ')}`,
    loadBefore: loadavg(), K, BURST, RATE, WINDOW, rounds: [], idle: [] };

  function makeClient(mode, identityStore) {
    const origin = new Http2Origin(url, { ca });
    const client = new CcpClient({
      http: http2Rest(origin),
      transports: [http2Transport(origin), ...browserTransports(url)],
      identityStore,
      forceTransport: mode,
    });
    return { client, origin };
  }

  async function waitHealthy() {
    for (let i = 0; i < 240; i++) {
      try {
        const o = new Http2Origin(url, { ca });
        const made = new CcpClient({ http: http2Rest(o), transports: [http2Transport(o)], identityStore: new MemoryIdentityStore() });
        await made.register(`probe-${process.pid}`);
        o.disconnect();
        return;
      } catch {
        await sleep(500);
      }
    }
    throw new Error('the server did not come up');
  }

  const save = () => writeFileSync(opt.out, JSON.stringify(result, null, 2));
  if (!opt['skip-latency']) await latency();
  save();
  if (!opt['skip-idle']) await idle();
  result.loadAfter = loadavg();
  save();
  report(result);

  async function latency() {
    const CHANNEL = 7;
    const store = new MemoryIdentityStore();
    const setup = makeClient('binary', store);
    const jsId = (await setup.client.register(`bench-${process.pid}`)).deviceId;
    const code = (await setup.client.issuePairingCode()).pair_code;
    await setup.client.close();
    setup.origin.disconnect();

    const peer = spawn('java', ['-Xmx256m', '-cp', BENCH_JAR, 'io.commucat.ccp.bench.load.SdkPeer', url, process.env.CCP_BENCH_CA, code, String(CHANNEL), jsId],
      { stdio: ['pipe', 'pipe', 'inherit'] });
    const received = new Map(); // tag -> [latencyMicros, recvMicros, sendMicros]
    const waiters = new Map();
    let javaId;
    const ready = new Promise((ok) => {
      createInterface({ input: peer.stdout }).on('line', (line) => {
        if (line.startsWith('READY ')) {
          javaId = line.slice(6);
          ok();
        } else if (line.startsWith('R ')) {
          const [, recv, tag, , sent] = line.split(' ');
          record(tag, Number(recv), Number(sent));
        } else if (line.startsWith('SENT ')) {
          waiters.get(`sent ${line.slice(5)}`)?.();
        }
      });
    });
    await ready;

    function record(tag, recv, sent) {
      let list = received.get(tag);
      if (!list) received.set(tag, list = []);
      list.push([recv - sent, recv, sent]);
      if (list.length === expected.get(tag)) waiters.get(tag)?.();
    }
    const expected = new Map();
    const whenAll = (tag, count) => new Promise((ok) => {
      expected.set(tag, count);
      if (received.get(tag)?.length === count) ok();
      else waiters.set(tag, ok);
    });
    const whenSent = (tag) => new Promise((ok) => waiters.set(`sent ${tag}`, ok));

    // Round 0 warms both JVMs and V8 up with WARMUP messages per phase; it is not recorded.
    for (let round = WARMUP > 0 ? 0 : 1; round <= ROUNDS; round++) {
      const openCount = round === 0 ? WARMUP : K;
      const closedCount = round === 0 ? WARMUP : BURST;
      const row = { round, load: loadavg(), modes: {} };
      for (const mode of MODES) {
        const made = makeClient(mode, store);
        const session = await made.client.connect({
          onMessage: (m) => {
            const now = micros();
            const [tag, , sent] = new TextDecoder().decode(m.payload).split(' ');
            record(tag, now, Number(sent));
          },
        });
        if (session.transport !== mode) throw new Error(`asked for ${mode}, got ${session.transport}`);
        await session.join(CHANNEL, [jsId, javaId]);
        await sleep(500);
        const figures = {};
        for (const [kind, rate, count] of [['open', RATE, openCount], ['closed', 0, closedCount]]) {
          const up = `r${round}-${mode}-js-${kind}`;
          const upDone = whenAll(up, count);
          let cpu = cpuNow(peer.pid);
          await jsSend(session, CHANNEL, up, rate, count);
          await withTimeout(upDone, 120000, up);
          figures[`js→sdk ${kind}`] = { ...summarize(received.get(up)), cpu: cpuPer(cpu, cpuNow(peer.pid), count) };
          received.delete(up);

          const down = `r${round}-${mode}-sdk-${kind}`;
          const downDone = whenAll(down, count);
          const sent = whenSent(down);
          cpu = cpuNow(peer.pid);
          peer.stdin.write(`SEND ${down} ${count} ${rate} ${WINDOW}\n`);
          await withTimeout(Promise.all([downDone, sent]), 120000, down);
          figures[`sdk→js ${kind}`] = { ...summarize(received.get(down)), cpu: cpuPer(cpu, cpuNow(peer.pid), count) };
          received.delete(down);
        }
        row.modes[mode] = figures;
        console.error(`round ${round} ${mode}: ${JSON.stringify(figures)}`);
        await session.close();
        await made.client.close();
        made.origin.disconnect();
      }
      if (round > 0) result.rounds.push(row);
    }
    peer.stdin.write('QUIT\n');
    await new Promise((r) => peer.once('exit', r));
  }

  async function jsSend(session, channel, tag, rate, count) {
    let inFlight = 0;
    let wake = null;
    const all = [];
    const start = performance.now();
    for (let seq = 0; seq < count; seq++) {
      if (rate > 0) {
        const due = start + (seq * 1000) / rate;
        const wait = due - performance.now();
        if (wait > 1) await sleep(wait);
      }
      while (inFlight >= WINDOW) await new Promise((r) => { wake = r; });
      inFlight++;
      const p = session.send(channel, `${tag} ${seq} ${micros()}`).finally(() => {
        inFlight--;
        wake?.();
        wake = null;
      });
      all.push(p);
      if (rate === 0 && seq % WINDOW === 0) await null;
    }
    await Promise.all(all);
  }

  async function idle() {
    const stores = [];
    console.error(`registering ${IDLE} devices for the idle sessions`);
    for (let i = 0; i < IDLE; i++) {
      // A connection per device, as each browser has its own (one shared connection was reset
      // by the server after a few hundred registrations).
      const store = new MemoryIdentityStore();
      const made = makeClient('binary', store);
      await made.client.register(`idle-${process.pid}-${i}`);
      await made.client.close();
      made.origin.disconnect();
      stores.push(store);
    }
    for (const mode of MODES) {
      await sleep(2000);
      const base = await heap();
      const made = [];
      for (const store of stores) {
        const m = makeClient(mode, store);
        m.session = await m.client.connect({});
        if (m.session.transport !== mode) throw new Error(`asked for ${mode}, got ${m.session.transport}`);
        made.push(m);
      }
      await sleep(3000);
      const full = await heap();
      const row = { mode, n: IDLE, load: loadavg(), base, full,
        heapPerSession: (full.usedK - base.usedK) * 1024 / IDLE, rssPerSession: (full.rssK - base.rssK) * 1024 / IDLE };
      console.error(`idle ${mode}: ${JSON.stringify(row)}`);
      result.idle.push(row);
      for (const m of made) {
        await m.session.close();
        await m.client.close();
        m.origin.disconnect();
      }
    }
  }

  async function heap() {
    await run('jcmd', [pid, 'GC.run']);
    await run('jcmd', [pid, 'GC.run']);
    const info = (await run('jcmd', [pid, 'GC.heap_info'])).stdout;
    const usedK = Number(/used (\d+)K/.exec(info)[1]);
    const rssK = Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);
    return { usedK, rssK };
  }
}

/** CPU time so far (µs): the server's and the SDK peer's from /proc, this process's own. */
function cpuNow(peerPid) {
  const ticks = (p) => {
    const f = readFileSync(`/proc/${p}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) * 10000; // utime + stime, 100 Hz ticks
  };
  const own = process.cpuUsage();
  return { server: ticks(process.env.CCP_BENCH_PID), sdk: ticks(peerPid), js: own.user + own.system };
}

/** CPU µs per message of each process between two readings. */
function cpuPer(a, b, count) {
  return { server: (b.server - a.server) / count, sdk: (b.sdk - a.sdk) / count, js: (b.js - a.js) / count };
}

function micros() {
  return Math.round((performance.timeOrigin + performance.now()) * 1000);
}

function withTimeout(p, ms, what) {
  let t;
  return Promise.race([p, new Promise((_, fail) => { t = setTimeout(() => fail(new Error(`timed out: ${what}`)), ms); })])
    .finally(() => clearTimeout(t));
}

/** p50/p99 latency (ms) and delivered msgs/s = K over first send → last receipt. */
function summarize(list) {
  const lat = list.map((x) => x[0]).sort((a, b) => a - b);
  const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] / 1000;
  const first = Math.min(...list.map((x) => x[2]));
  const last = Math.max(...list.map((x) => x[1]));
  return { p50: q(0.5), p99: q(0.99), rate: list.length / ((last - first) / 1e6) };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function report(r) {
  const out = [];
  out.push(`Run: \`${r.command}\`, ${r.started}, load average ${r.loadBefore} → ${r.loadAfter}`);
  if (r.rounds.length) {
    out.push(`Rounds' load averages: ${r.rounds.map((x) => x.load.split(' ')[0]).join(', ')}`);
    for (const dir of ['js→sdk', 'sdk→js']) {
      for (const kind of ['open', 'closed']) {
        const key = `${dir} ${kind}`;
        out.push('', `#### ${dir}, ${kind === 'open' ? `open loop at ${r.RATE}/s` : `closed loop (window ${r.WINDOW})`}, ${kind === 'open' ? r.K : r.BURST ?? r.K} messages`, '',
          '| mode | msgs/s | ×binary | p50 ms | ×binary | p99 ms | ×binary |', '|---|---:|---:|---:|---:|---:|---:|');
        for (const mode of MODES) {
          const f = (m) => r.rounds.map((x) => x.modes[mode][key][m]);
          const ratio = (m) => median(r.rounds.map((x) => x.modes[mode][key][m] / x.modes.binary[key][m]));
          out.push(`| ${mode} | ${median(f('rate')).toFixed(0)} | ${ratio('rate').toFixed(2)} | ${median(f('p50')).toFixed(2)} | ${ratio('p50').toFixed(2)} | ${median(f('p99')).toFixed(2)} | ${ratio('p99').toFixed(2)} |`);
        }
      }
    }
  }
  for (const kind of ['closed', 'open']) {
    if (!r.rounds.length || !r.rounds[0].modes.binary[`js→sdk ${kind}`].cpu) break;
    out.push('', `#### CPU per message, ${kind} loops (µs; server, JS client, SDK device; median of rounds)`, '',
      '| mode | js→sdk server | ×binary | JS | ×binary | SDK | sdk→js server | ×binary | JS | ×binary | SDK |',
      '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|');
    for (const mode of MODES) {
      const c = (key, who) => median(r.rounds.map((x) => x.modes[mode][key].cpu[who])).toFixed(0);
      const ratio = (key, who) => median(r.rounds.map((x) => x.modes[mode][key].cpu[who] / x.modes.binary[key].cpu[who])).toFixed(2);
      const cells = (key) => [c(key, 'server'), ratio(key, 'server'), c(key, 'js'), ratio(key, 'js'), c(key, 'sdk')];
      out.push(`| ${mode} | ${[...cells(`js→sdk ${kind}`), ...cells(`sdk→js ${kind}`)].join(' | ')} |`);
    }
  }
  if (r.idle.length) {
    out.push('', `#### Server heap per idle session (${r.idle[0].n} sessions per mode, one mode at a time)`, '',
      '| mode | heap used, 0 sessions (MiB) | with N (MiB) | heap per session (KiB) | ×binary | RSS per session (KiB) | load |',
      '|---|---:|---:|---:|---:|---:|---|');
    const bin = r.idle.find((x) => x.mode === 'binary');
    for (const x of r.idle) {
      out.push(`| ${x.mode} | ${(x.base.usedK / 1024).toFixed(1)} | ${(x.full.usedK / 1024).toFixed(1)} | ${(x.heapPerSession / 1024).toFixed(1)} | ${(x.heapPerSession / bin.heapPerSession).toFixed(2)} | ${(x.rssPerSession / 1024).toFixed(1)} | ${x.load.split(' ')[0]} |`);
    }
  }
  console.log(out.join('\n'));
}
