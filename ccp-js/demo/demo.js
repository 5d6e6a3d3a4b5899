// The CCP demo page: one device in this browser, on the JavaScript client the node serves next to
// this file. Everything the page knows about a device lives in this browser's localStorage; keys
// are made here and never leave it.
//
// Query parameters: `transport=websocket|sse|long-poll` forces one transport (the browser tests
// use it); without it the client tries WebSocket → SSE → long-poll and remembers what worked.

import * as ccp from '/demo/ccp.js';

const $ = (id) => document.getElementById(id);
const KEYS = {
  identity: 'ccp.demo.identity',
  transport: 'ccp.demo.transport',
  joined: 'ccp.demo.joined',
  connected: 'ccp.demo.connected',
};
const decoder = new TextDecoder();

const params = new URLSearchParams(location.search);
let client = null;
let session = null;
const peers = new Map();

// ---- the client, built for this page's origin and the chosen transport ----

function makeClient(transport) {
  return ccp.createBrowserClient({
    identityStore: new ccp.WebStorageIdentityStore(KEYS.identity, localStorage),
    transportMemory: new ccp.WebStorageTransportMemory(KEYS.transport, localStorage),
    forceTransport: transport || undefined,
  });
}

function chosenTransport() {
  return $('transport-select').value;
}

// ---- rendering ----

function showError(error) {
  const box = $('error');
  if (!error) {
    box.hidden = true;
    box.textContent = '';
    return;
  }
  const detail = error.detail ? ` (${error.detail})` : '';
  box.textContent = `${error.message ?? String(error)}${detail}`;
  box.hidden = false;
  console.error(error);
}

function setStatus(state, text) {
  $('status').dataset.state = state;
  $('status-text').textContent = text;
}

function renderIdentity(identity) {
  $('enrol').hidden = identity !== null;
  $('identity').hidden = identity === null;
  $('connect').disabled = identity === null || session !== null;
  if (identity) {
    $('device-id').textContent = identity.deviceId;
    $('user-id').textContent = identity.userId ?? '—';
  }
}

function renderSession() {
  const live = session !== null && session.state !== 'closed';
  $('connect').disabled = live || $('identity').hidden;
  $('disconnect').disabled = !live;
  $('transport-select').disabled = live;
  $('presence-select').disabled = !live;
  $('join').disabled = !live;
  const joined = live && joinedChannel() !== null;
  $('message').disabled = !joined;
  $('send').disabled = !joined;
  $('transport').textContent = session?.transport ?? '—';
  $('pattern').textContent = session?.pattern ? `Noise ${session.pattern}` : '—';
  if (!live) {
    setStatus('idle', 'Not connected');
  } else if (session.state === 'connected') {
    setStatus('connected', `Connected over ${session.transport}`);
  } else {
    setStatus('reconnecting', 'Reconnecting…');
  }
}

function addMessage(kind, text, from) {
  const item = document.createElement('li');
  item.className = kind;
  if (from) {
    const label = document.createElement('span');
    label.className = 'from';
    label.textContent = from;
    item.append(label);
  }
  item.append(document.createTextNode(text));
  $('messages').append(item);
  item.scrollIntoView({ block: 'nearest' });
}

function renderPeers() {
  const list = $('presence-list');
  list.replaceChildren();
  if (peers.size === 0) {
    const empty = document.createElement('li');
    empty.className = 'empty';
    empty.textContent = 'No presence seen yet.';
    list.append(empty);
    return;
  }
  for (const [device, state] of [...peers].sort()) {
    const item = document.createElement('li');
    item.dataset.device = device;
    const name = document.createElement('code');
    name.textContent = device;
    const badge = document.createElement('span');
    badge.className = 'state';
    badge.textContent = state;
    item.append(name, badge);
    list.append(item);
  }
}

// ---- what the channel form remembers across reloads ----

function joinedChannel() {
  try {
    return JSON.parse(localStorage.getItem(KEYS.joined));
  } catch {
    return null;
  }
}

function rememberJoined(value) {
  if (value === null) localStorage.removeItem(KEYS.joined);
  else localStorage.setItem(KEYS.joined, JSON.stringify(value));
}

// ---- actions ----

async function act(button, work) {
  showError(null);
  if (button) button.disabled = true;
  try {
    await work();
  } catch (error) {
    showError(error);
  } finally {
    if (button) button.disabled = false;
    renderSession();
  }
}

async function register(event) {
  event.preventDefault();
  await act($('register'), async () => {
    await client.register($('handle').value.trim());
    renderIdentity(await client.identity());
  });
}

async function pair(event) {
  event.preventDefault();
  await act($('pair'), async () => {
    await client.pair($('code').value.trim());
    renderIdentity(await client.identity());
  });
}

async function issueCode() {
  await act($('issue-code'), async () => {
    const code = await client.issuePairingCode();
    $('pairing-code').textContent = code.pair_code ?? code.code ?? String(code);
  });
}

async function forget() {
  if (!confirm('Forget this device? Its keys are deleted from this browser.')) return;
  await disconnect();
  localStorage.removeItem(KEYS.identity);
  rememberJoined(null);
  location.reload();
}

async function connect(event) {
  event?.preventDefault();
  await act($('connect'), async () => {
    client = makeClient(chosenTransport());
    setStatus('connecting', 'Connecting…');
    session = await client.connect({
      onMessage: (message) => addMessage('theirs', decoder.decode(message.payload), `channel ${message.channel}`),
      onFrame: (frame) => {
        if (frame.type === ccp.FrameType.Presence && frame.control?.device) {
          peers.set(frame.control.device, String(frame.control.state ?? 'online'));
          renderPeers();
        }
      },
      onStateChanged: (state) => {
        if (state === 'connected') addMessage('system', `connected over ${session?.transport ?? '?'}`);
        else if (state === 'reconnecting') addMessage('system', 'link lost, reconnecting…');
        renderSession();
      },
      onClosed: (cause) => {
        if (cause) showError(cause);
        session = null;
        localStorage.removeItem(KEYS.connected);
        renderSession();
      },
    });
    localStorage.setItem(KEYS.connected, '1');
    session.setPresence($('presence-select').value);
    addMessage('system', `connected over ${session.transport} (Noise ${session.pattern})`);
  });
}

async function disconnect() {
  localStorage.removeItem(KEYS.connected);
  const closing = session;
  session = null;
  await closing?.close();
  renderSession();
}

async function join(event) {
  event.preventDefault();
  await act($('join'), async () => {
    const channel = Number($('channel').value);
    const members = $('members').value.split(',').map((m) => m.trim()).filter(Boolean);
    await session.join(channel, members);
    rememberJoined({ channel, members });
    addMessage('system', `joined channel ${channel}`);
  });
}

async function send(event) {
  event.preventDefault();
  const joined = joinedChannel();
  const text = $('message').value;
  if (!joined || text === '') return;
  await act($('send'), async () => {
    await session.send(joined.channel, text);
    addMessage('mine', text);
    $('message').value = '';
    $('message').focus();
  });
}

// ---- start ----

async function start() {
  const forced = params.get('transport') ?? params.get('mode');
  if (forced) $('transport-select').value = forced;
  const joined = joinedChannel();
  if (joined) {
    $('channel').value = joined.channel;
    $('members').value = joined.members.join(', ');
  }
  $('register-form').addEventListener('submit', register);
  $('pair-form').addEventListener('submit', pair);
  $('issue-code').addEventListener('click', issueCode);
  $('forget').addEventListener('click', forget);
  $('connect-form').addEventListener('submit', connect);
  $('disconnect').addEventListener('click', disconnect);
  $('join-form').addEventListener('submit', join);
  $('send-form').addEventListener('submit', send);
  $('presence-select').addEventListener('change', () => session?.setPresence($('presence-select').value));

  client = makeClient(chosenTransport());
  renderIdentity(await client.identity());
  renderSession();
  // A reload resumes: the session reconnects and the server hands over what arrived meanwhile.
  if (localStorage.getItem(KEYS.connected) === '1' && (await client.identity()) !== null) {
    await connect();
  }
  document.body.dataset.ready = 'true';
}

start().catch(showError);
