// The REST calls a device makes (rest.md), over a caller `http.request(method, path,
// {token, json})` → {status, header(name), text} that each platform provides (fetch in
// browsers, HTTP/2 in Node). Errors are CcpError REFUSED carrying the problem's title and detail.

import { CcpError, ErrorKind } from '../errors.js';
import { parseJson } from '../codec/json.js';

export class RestApi {
  #http;

  constructor(http) {
    this.#http = http;
  }

  async call(method, path, { token, json } = {}) {
    const response = await this.#http.request(method, path, { token, json });
    let body = null;
    if (response.text) {
      try {
        body = parseJson(response.text);
      } catch {
        throw new CcpError(ErrorKind.PROTOCOL, `${method} ${path}: the answer is not JSON`, { status: response.status });
      }
    }
    if (response.status < 200 || response.status > 299) {
      throw new CcpError(ErrorKind.REFUSED, `${method} ${path} was refused`, {
        status: response.status,
        code: typeof body?.title === 'string' ? body.title : null,
        detail: typeof body?.detail === 'string' ? body.detail : null,
      });
    }
    return body;
  }

  serverInfo() {
    return this.call('GET', '/api/server-info');
  }

  claimPairing(claim) {
    return this.call('POST', '/api/pair/claim', { json: claim });
  }

  issuePairingCode(token, ttl) {
    return this.call('POST', '/api/pair', { token, json: ttl === undefined ? {} : { ttl } });
  }

  devices(token) {
    return this.call('GET', '/api/devices', { token });
  }

  revoke(token, deviceId) {
    return this.call('POST', '/api/devices/revoke', { token, json: { device_id: deviceId } });
  }
}

/** The browser's caller: fetch against `baseUrl`. */
export function fetchHttp(baseUrl, fetchImpl = globalThis.fetch) {
  const origin = new URL(baseUrl).origin;
  return {
    async request(method, path, { token, json } = {}) {
      const headers = { accept: 'application/json' };
      if (token) headers.authorization = `Bearer ${token}`;
      if (json !== undefined) headers['content-type'] = 'application/json';
      let response;
      try {
        response = await fetchImpl(origin + path, { method, headers, body: json === undefined ? undefined : JSON.stringify(json) });
      } catch (e) {
        throw new CcpError(ErrorKind.UNREACHABLE, `${method} ${path} failed`, { cause: e });
      }
      return { status: response.status, header: (n) => response.headers.get(n), text: await response.text() };
    },
  };
}
