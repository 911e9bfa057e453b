/**
 * Helpers for the gateway tests: requests sent with node:http so that the target goes on the wire
 * exactly as written (fetch would resolve dot segments and set its own headers), the S3 error code
 * of an XML error body, and storage bodies written and read.
 */
import { request as httpRequest } from 'node:http';

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** Sends one request to `origin` with `target` (path and query) verbatim. */
export function rawRequest(
  origin: string,
  method: string,
  target: string,
  headers: Record<string, string> = {},
  body?: string | Uint8Array,
): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const url = new URL(origin);
    const outgoing = httpRequest(
      { host: url.hostname, port: url.port, method, path: target, headers, agent: false },
      (incoming) => {
        let text = '';
        incoming.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
        incoming.on('end', () => resolve({ status: incoming.statusCode ?? 0, headers: incoming.headers, body: text }));
        incoming.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end(body);
  });
}

/** The `<Code>` of an S3 XML error body, or undefined. */
export const errorCode = (body: string): string | undefined => /<Code>([^<]*)<\/Code>/.exec(body)?.[1];

/** Chunks as an upload body for a storage's `put`. */
export async function* chunks(...parts: (string | Uint8Array)[]): AsyncGenerator<Uint8Array> {
  for (const part of parts) yield typeof part === 'string' ? new TextEncoder().encode(part) : part;
}

/** Reads a stored object's body (whole or chunked) as UTF-8 text. */
export async function text(body: Uint8Array | AsyncIterable<Uint8Array>): Promise<string> {
  if (body instanceof Uint8Array) return new TextDecoder().decode(body);
  const parts: Uint8Array[] = [];
  for await (const part of body) parts.push(part);
  return Buffer.concat(parts).toString('utf8');
}
