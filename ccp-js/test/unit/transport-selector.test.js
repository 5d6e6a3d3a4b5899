import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CcpError, ErrorKind } from '../../src/errors.js';
import { MemoryTransportMemory, TransportSelector } from '../../src/transport/selector.js';

const named = (...names) => names.map((name) => ({ name }));

describe('TransportSelector', () => {
  it('steps down to the next transport when one fails, and remembers the one that worked', async () => {
    const memory = new MemoryTransportMemory();
    const selector = new TransportSelector(named('websocket', 'sse', 'long-poll'), { memory });
    const tried = [];
    const result = await selector.establish(async (t) => {
      tried.push(t.name);
      if (t.name !== 'long-poll') throw new CcpError(ErrorKind.UNREACHABLE, 'down');
      return 'link';
    });
    assert.equal(result, 'link');
    assert.deepEqual(tried, ['websocket', 'sse', 'long-poll']);
    assert.equal(memory.get(), 'long-poll');
    assert.deepEqual(selector.order().map((t) => t.name), ['long-poll']);
  });

  it('does not step down when the server refused the bootstrap itself', async () => {
    const selector = new TransportSelector(named('websocket', 'sse'));
    const tried = [];
    await assert.rejects(selector.establish(async (t) => {
      tried.push(t.name);
      throw new CcpError(ErrorKind.HANDSHAKE, 'refused');
    }), { kind: ErrorKind.HANDSHAKE });
    assert.deepEqual(tried, ['websocket']);
  });

  it('starts from the top again after every transport failed', async () => {
    const memory = new MemoryTransportMemory();
    memory.set('sse');
    const selector = new TransportSelector(named('websocket', 'sse'), { memory });
    await assert.rejects(selector.establish(async () => {
      throw new CcpError(ErrorKind.UNREACHABLE, 'down');
    }));
    assert.equal(memory.get(), 'websocket');
  });

  it('uses only a forced transport', () => {
    const selector = new TransportSelector(named('websocket', 'sse', 'long-poll'), { force: 'sse' });
    assert.deepEqual(selector.order().map((t) => t.name), ['sse']);
    assert.throws(() => new TransportSelector(named('sse'), { force: 'carrier-pigeon' }), { kind: ErrorKind.STATE });
  });
});
