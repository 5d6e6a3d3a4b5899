/** @commucat/ccp/node — everything of the main entry, plus HTTP/2 for Node programs. */
import type { CcpClient, ClientOptions, HttpCaller, Transport } from './index.js';
export * from './index.js';

/** One HTTP/2 (TLS, h2) connection to a server, shared by the binary transport and REST. */
export declare class Http2Origin {
  constructor(url: string, options?: { ca?: string | Uint8Array });
  readonly url: string;
  /** Drops the connection at once (every open stream fails). */
  disconnect(): void;
  close(): void;
}
export declare function http2Transport(origin: Http2Origin): Transport;
export declare function http2Rest(origin: Http2Origin): HttpCaller;
export declare function createNodeClient(options: Partial<ClientOptions> & { server: string; ca?: string | Uint8Array }):
  { client: CcpClient; origin: Http2Origin };
