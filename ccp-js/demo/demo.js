// The demo page: register or pair, connect (showing the transport in use), join a channel,
// send and receive messages, see peers' presence. Served with ccp.js (npm run build) beside it.

import { createBrowserClient, FrameType } from './ccp.js';

const $ = (id) => document.getElementById(id);
const decoder = new TextDecoder();
let client = createBrowserClient();
let session = null;
let channel = null;

function say(text) {
  $('status').textContent = text;
}

function failure(e) {
  const detail = e?.detail ? ` (${e.detail})` : '';
  say(`Failed: ${e?.code ?? e?.kind ?? 'error'}${detail}`);
}

function logLine(text, mine) {
  const li = document.createElement('li');
  li.textContent = text;
  if (mine) li.className = 'mine';
  $('log').append(li);
  li.scrollIntoView({ block: 'nearest' });
}

async function showIdentity() {
  const identity = await client.identity();
  const has = identity !== null;
  $('identity').textContent = has ? `Device ${identity.deviceId} of user ${identity.userId}.` : 'No identity on this browser yet.';
  $('register-form').hidden = has;
  $('pair-form').hidden = has;
  $('issue-code').disabled = !has;
  $('connect-button').disabled = !has || session !== null;
}

function setConnected(connected) {
  $('connect-button').disabled = connected;
  $('disconnect-button').disabled = !connected;
  $('join-button').disabled = !connected;
  $('send-button').disabled = !connected || channel === null;
  $('transport-in-use').textContent = session?.transport ?? 'none';
}

function showPresence(frame) {
  const device = frame.control?.device_id ?? frame.control?.device ?? 'a peer';
  const state = frame.control?.state ?? 'online';
  let item = [...$('presence').children].find((li) => li.dataset.device === device);
  if (!item) {
    item = document.createElement('li');
    item.dataset.device = device;
    $('presence').append(item);
  }
  item.textContent = `${device}: ${state}`;
}

$('register-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  say('Registering…');
  try {
    await client.register($('handle').value.trim());
    say('Registered.');
  } catch (e) {
    failure(e);
  }
  await showIdentity();
});

$('pair-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  say('Pairing…');
  try {
    await client.pair($('code').value.trim(), { deviceName: navigator.userAgent.slice(0, 60) });
    say('Paired.');
  } catch (e) {
    failure(e);
  }
  await showIdentity();
});

$('issue-code').addEventListener('click', async () => {
  try {
    const code = await client.issuePairingCode();
    $('issued-code').textContent = `${code.pair_code} (until ${new Date(code.expires_at).toLocaleTimeString()})`;
  } catch (e) {
    failure(e);
  }
});

$('connect-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const forced = $('transport').value;
  client = createBrowserClient(forced ? { forceTransport: forced } : {});
  say('Connecting…');
  try {
    session = await client.connect({
      onMessage: (m) => logLine(`#${m.channel}: ${decoder.decode(m.payload)}`, false),
      onFrame: (frame) => {
        if (frame.type === FrameType.Presence) showPresence(frame);
      },
      onStateChanged: (state) => {
        say(state === 'connected' ? `Connected again over ${session.transport}.` : 'Connection lost; reconnecting…');
        setConnected(state === 'connected');
      },
      onClosed: (cause) => {
        session = null;
        setConnected(false);
        if (cause) failure(cause);
        else say('Disconnected.');
      },
    });
    session.setPresence('online');
    say(`Connected over ${session.transport} (${session.pattern}).`);
    setConnected(true);
  } catch (e) {
    failure(e);
  }
});

$('disconnect-button').addEventListener('click', () => session?.close());

$('join-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const id = Number($('channel-id').value);
  const me = (await client.identity()).deviceId;
  const members = [me, ...$('members').value.split(',').map((s) => s.trim()).filter(Boolean)];
  try {
    await session.join(id, [...new Set(members)]);
    channel = id;
    say(`Joined channel ${id}.`);
    setConnected(true);
    $('text').focus();
  } catch (e) {
    failure(e);
  }
});

$('send-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const text = $('text').value;
  $('text').value = '';
  try {
    await session.send(channel, text);
    logLine(`#${channel} (me): ${text}`, true);
  } catch (e) {
    failure(e);
  }
});

showIdentity();
