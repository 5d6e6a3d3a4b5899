// Node only: REST calls (rest.md) over the client's HTTP/2 connection.

import { CcpError, ErrorKind } from '../errors.js';

const MAX_RESPONSE = 4 * 1024 * 1024;

/** A REST caller over `origin` (an Http2Origin): request(method, path, {token, json}). */
export function http2Rest(origin) {
  return {
    request(method, path, { token, json } = {}) {
      return new Promise((resolve, reject) => {
        const headers = { ':method': method, ':path': path, accept: 'application/json' };
        if (token) headers.authorization = `Bearer ${token}`;
        const body = json === undefined ? null : Buffer.from(JSON.stringify(json));
        if (body) headers['content-type'] = 'application/json';
        let stream;
        try {
          stream = origin.session().request(headers, { endStream: body === null });
        } catch (e) {
          reject(new CcpError(ErrorKind.UNREACHABLE, `${method} ${path}: no connection`, { cause: e }));
          return;
        }
        const chunks = [];
        let size = 0;
        let responseHeaders = {};
        stream.on('response', (h) => {
          responseHeaders = h;
        });
        stream.on('data', (c) => {
          size += c.length;
          if (size > MAX_RESPONSE) {
            stream.close();
            reject(new CcpError(ErrorKind.PROTOCOL, `${method} ${path}: response too large`));
            return;
          }
          chunks.push(c);
        });
        stream.on('error', (e) => reject(new CcpError(ErrorKind.UNREACHABLE, `${method} ${path} failed`, { cause: e })));
        stream.on('end', () => resolve({
          status: responseHeaders[':status'] ?? 0,
          header: (name) => responseHeaders[name.toLowerCase()] ?? null,
          text: Buffer.concat(chunks).toString('utf8'),
        }));
        if (body) stream.end(body);
      });
    },
  };
}
