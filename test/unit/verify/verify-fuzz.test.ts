/**
 * Fuzzing the verifier: random strings, random X-Amz-* soup, and presigned URLs mutated one to
 * three times (characters replaced, deleted, inserted, case-flipped, escaped, unescaped; query
 * pieces swapped or repeated; methods and header values changed). 20,000 inputs in `npm test`,
 * 1,000,000 with SIGV4_LONG=1. The verifier must never throw, and must never accept a request
 * whose meaning differs from the one signed.
 *
 * "Meaning" is judged here independently of the engine, with Node's `querystring.unescapeBuffer`:
 * the method (standard ones upper-cased), the lower-case host without a default port, the S3
 * key's bytes, the multiset of decoded query pairs and the trimmed header values. A mutant with
 * the same meaning (say `~` written `%7E`) is a true accept and is counted as such.
 *
 * Every input is verified twice: warm, right after its seed's own valid URL (so the remembered
 * query, header block and key are the seed's, the state an attacker can prime), and cold, with
 * every memo and cache emptied. The two verdicts must be equal, message included.
 */
import querystring from 'node:querystring';
import { describe, expect, test } from 'vitest';
import { forgetAll } from '../../../src/core/memo.js';
import { verifyPresignedUrlSync, type PresignResult, type VerifyRequest } from '../../../src/index.js';
import { nodeBackend } from '../../../src/node.js';
import { ACCESS_KEY_ID, expectNoLeak, SECRET, secretFor, sign, SIGNED_AT } from '../../support/verify-fixtures.js';

const TOTAL = process.env.SIGV4_LONG === '1' ? 1_000_000 : 20_000;

/** mulberry32: a small seeded PRNG, so that a failure can be replayed. */
function prng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const token = 'FQoGZXIvYXdzEXAMPLE/token+=';
const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET, sessionToken: token };
/** S3 seeds are mutated everywhere; the non-S3 seed's path is left alone (see the module comment). */
const seeds: { signed: PresignResult; mutatePath: boolean }[] = [
  {
    signed: sign({ url: 'https://bucket.s3.us-east-1.amazonaws.com/photos/2024/cat%20picture+1.jpg' }),
    mutatePath: true,
  },
  {
    signed: sign({
      method: 'PUT',
      url: 'https://bucket.s3.amazonaws.com/a~b/%E2%82%AC/x.y?partNumber=1&uploadId=a%2Fb',
      headers: { 'content-type': 'image/png', 'x-amz-meta-note': 'a b' },
      credentials,
    }),
    mutatePath: true,
  },
  {
    signed: sign({
      method: 'GET',
      url: 'https://api.example.com/stage/items?limit=10&q=x%20y',
      service: 'execute-api',
      credentials,
    }),
    mutatePath: false,
  },
];

const PIECES = [
  ...'abcxyzABCXYZ0189-._~!$&\'()*+,;=:@/?#%[] "<>\\^`{|}',
  '%20',
  '%2F',
  '%2f',
  '%7E',
  '%25',
  '%26',
  '%3D',
  '%00',
  '%FF',
  '%C3%A9',
  '%',
  '%z',
  'é',
  '€',
  '😀',
  '\t',
  '\n',
  '\u0000',
  '\u007f',
  'X-Amz-Signature=',
  'X-Amz-Date=',
  '&X-Amz-Expires=1',
  '..',
  '/../',
  '//',
];
const METHODS = ['GET', 'get', 'PUT', 'put', 'POST', 'HEAD', 'DELETE', 'PATCH', 'patch', 'G ET', '', 'GET\n'];
const STANDARD = new Set(['DELETE', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT']);

interface Meaning {
  method: string;
  host: string;
  path: string;
  query: string;
  headers: string;
}

// Node's own %XX-to-bytes decoder (stable since Node 0.x, missing from @types/node).
const { unescapeBuffer } = querystring as unknown as { unescapeBuffer(text: string): Buffer };
const hex = (text: string) => unescapeBuffer(text).toString('hex');

/** The request's meaning, or undefined when it does not even look like an absolute URL. */
function meaning(request: VerifyRequest, s3Path: boolean): Meaning | undefined {
  const match = /^(https?):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/i.exec(String(request.url));
  if (match === null) return undefined;
  const [, scheme, authority, path, query = ''] = match as unknown as [
    string,
    string,
    string,
    string,
    string | undefined,
  ];
  const port = /:(\d+)$/.exec(authority);
  const defaultPort = scheme.toLowerCase() === 'https' ? 443 : 80;
  const host = (
    port !== null && Number(port[1]) === defaultPort ? authority.slice(0, port.index) : authority
  ).toLowerCase();
  const pairs = query
    .split('&')
    .filter((piece) => piece !== '')
    .map((piece) => {
      const eq = piece.indexOf('=');
      return eq < 0 ? hex(piece) + '=' : hex(piece.slice(0, eq)) + '=' + hex(piece.slice(eq + 1));
    })
    .sort();
  const upper = request.method.toUpperCase();
  const headers = Object.entries((request.headers ?? {}) as Record<string, string | undefined>)
    .filter(([, value]) => value !== undefined)
    .map(([name, value]) => name.toLowerCase() + ':' + value!.replace(/[ \t]+/g, ' ').trim())
    .sort();
  return {
    method: STANDARD.has(upper) ? upper : request.method,
    host,
    path: s3Path ? hex(path === '' ? '/' : path) : path,
    query: pairs.join('&'),
    headers: headers.join('\n'),
  };
}

/** One random edit of `text` between `from` and `to`. */
function mutate(text: string, random: () => number, from = 0, to = text.length): string {
  const at = from + Math.floor(random() * Math.max(1, to - from));
  const piece = PIECES[Math.floor(random() * PIECES.length)]!;
  const c = text[at] ?? '';
  switch (Math.floor(random() * 7)) {
    case 0:
      return text.slice(0, at) + piece + text.slice(at + 1);
    case 1:
      return text.slice(0, at) + text.slice(at + 1);
    case 2:
      return text.slice(0, at) + piece + text.slice(at);
    case 3: {
      const flipped = c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase();
      return text.slice(0, at) + flipped + text.slice(at + 1);
    }
    case 4: // escape one character
      return (
        text.slice(0, at) +
        [...Buffer.from(c)].map((b) => '%' + b.toString(16).toUpperCase().padStart(2, '0')).join('') +
        text.slice(at + 1)
      );
    case 5: {
      // unescape one %XX (as the character it names, when that is ASCII)
      const escape = /%([0-7][0-9A-Fa-f])/.exec(text.slice(at));
      if (escape === null) return text;
      const start = at + escape.index;
      return text.slice(0, start) + String.fromCharCode(parseInt(escape[1]!, 16)) + text.slice(start + 3);
    }
    default: {
      // swap two query pieces, or repeat one
      const q = text.indexOf('?');
      if (q < 0) return text;
      const parts = text.slice(q + 1).split('&');
      const i = Math.floor(random() * parts.length);
      const j = Math.floor(random() * parts.length);
      if (random() < 0.5) [parts[i], parts[j]] = [parts[j]!, parts[i]!];
      else parts.splice(i, 0, parts[i]!);
      return text.slice(0, q + 1) + parts.join('&');
    }
  }
}

function randomText(random: () => number, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += PIECES[Math.floor(random() * PIECES.length)]!;
  return out;
}

describe('fuzzing the verifier', () => {
  test(`${TOTAL.toLocaleString('en-US')} random and mutated requests, warm and cold: no throw, no false accept, one verdict`, () => {
    const random = prng(0x5157);
    const counts = {
      total: 0,
      random: 0,
      mutated: 0,
      rejected: 0,
      equivalentAccepts: 0,
      throws: 0,
      falseAccepts: 0,
      warmColdDiffer: 0,
    };
    const options = { secretFor, now: SIGNED_AT, backend: nodeBackend };
    const failures: string[] = [];

    for (let n = 0; n < TOTAL; n++) {
      const seed = seeds[n % seeds.length]!;
      const original: VerifyRequest = {
        method: seed.signed.method,
        url: seed.signed.url,
        headers: seed.signed.headers,
      };
      let request: VerifyRequest;
      const kind = random();
      if (kind < 0.1) {
        // Garbage, sometimes after a plausible prefix.
        const prefix = [
          '',
          'https://',
          'http://h/',
          seed.signed.url.slice(0, Math.floor(random() * seed.signed.url.length)),
        ][n % 4]!;
        request = { method: METHODS[n % METHODS.length]!, url: prefix + randomText(random, Math.floor(random() * 40)) };
        counts.random++;
      } else if (kind < 0.15) {
        // X-Amz-* soup: the right names with random or near-right values.
        const url = seed.signed.url.replace(/=([^&]*)/g, (whole) =>
          random() < 0.3 ? '=' + randomText(random, Math.floor(random() * 8)) : whole,
        );
        request = { ...original, url };
        counts.random++;
      } else {
        let url = seed.signed.url;
        let { method } = original;
        let headers = { ...seed.signed.headers } as Record<string, string | undefined>;
        const edits = 1 + Math.floor(random() * 3);
        for (let e = 0; e < edits; e++) {
          const where = random();
          if (where < 0.08) method = METHODS[Math.floor(random() * METHODS.length)]!;
          else if (where < 0.16 && Object.keys(headers).length > 0) {
            const names = Object.keys(headers);
            const name = names[Math.floor(random() * names.length)]!;
            headers = { ...headers, [name]: random() < 0.2 ? undefined : mutate(headers[name] ?? '', random) };
          } else {
            const pathStart = url.indexOf('/', 8);
            url = seed.mutatePath ? mutate(url, random) : mutate(url, random, url.indexOf('?', pathStart));
          }
        }
        request = { method, url, headers };
        counts.mutated++;
      }
      counts.total++;

      let result;
      try {
        // Warm: the seed's own URL primes every fast path first.
        verifyPresignedUrlSync(original, options);
        result = verifyPresignedUrlSync(request, options);
        forgetAll();
        const cold = verifyPresignedUrlSync(request, options);
        if (JSON.stringify(cold) !== JSON.stringify(result)) {
          counts.warmColdDiffer++;
          if (failures.length < 5) failures.push(`warm ${JSON.stringify(result)} but cold ${JSON.stringify(cold)}`);
        }
      } catch (error) {
        counts.throws++;
        if (failures.length < 5) failures.push(`threw ${String(error)} on ${JSON.stringify(request)}`);
        continue;
      }
      if (!result.ok) {
        counts.rejected++;
        if (n % 97 === 0) expectNoLeak(result, seed.signed.signature);
        continue;
      }
      const same =
        JSON.stringify(meaning(request, seed.mutatePath)) === JSON.stringify(meaning(original, seed.mutatePath));
      if (same) counts.equivalentAccepts++;
      else {
        counts.falseAccepts++;
        if (failures.length < 5) failures.push(`false accept: ${JSON.stringify(request)}`);
      }
    }

    console.log(`verify-fuzz: ${JSON.stringify(counts)}`);
    expect(failures).toEqual([]);
    expect(counts).toMatchObject({ total: TOTAL, throws: 0, falseAccepts: 0, warmColdDiffer: 0 });
    // The mutants must reach the signature check often enough to mean something.
    expect(counts.rejected).toBeGreaterThan(TOTAL * 0.5);
    expect(counts.equivalentAccepts).toBeGreaterThan(0);
  }, 900_000);
});
