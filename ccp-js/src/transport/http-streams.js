// Shared by the SSE and long-poll transports: URLs, reading a fetch body as text, refusals.

import { CcpError, ErrorKind } from '../errors.js';

/** The longest line accepted: one 16 MiB frame in base64 and its JSON or SSE wrapping. */
export const MAX_LINE = 24 * 1024 * 1024;

export const connectUrl = (base, query) => `${new URL(base).origin}/connect?${query}`;

/** A non-2xx answer to /connect, as REFUSED carrying the status and any Retry-After. */
export function refused(response) {
  const retryAfter = Number(response.headers.get('retry-after'));
  return new CcpError(ErrorKind.REFUSED, '/connect was refused', {
    status: response.status, detail: Number.isFinite(retryAfter) && retryAfter > 0 ? `retry-after ${retryAfter}` : null,
  });
}

/** Reads `body` (a ReadableStream of bytes) as UTF-8 text, calling `onText` per chunk; resolves at its end. */
export async function readText(body, onText) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    onText(decoder.decode(value, { stream: true }));
  }
  const rest = decoder.decode();
  if (rest) onText(rest);
}
