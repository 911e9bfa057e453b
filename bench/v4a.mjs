/**
 * SigV4a in the bench: a presign and a verification on node:crypto against their crypto floors,
 * timed interleaved with everything else, and the key derivation reported apart (it runs once per
 * credentials, then the key pair is cached).
 *
 * - presign floor: one SHA-256 of the canonical request (hex) plus one ECDSA P-256 sign of the
 *   string to sign, with the key object already imported: what any SigV4a presigner must do.
 * - verify floor: one ECDSA P-256 verify of the string to sign, public key already imported.
 *
 * @example
 * ```js
 * const { tasks, targets } = await v4aBench();
 * ```
 * @module
 */
import { createPrivateKey, createPublicKey, hash, sign, verify } from 'node:crypto';
import { deriveV4aPrivateKey } from '../dist/core/v4a-key.js';
import { nodeEcdsa, presignV4a, presignV4aDetailed, v4aPublicKeyOf, verifyPresignedUrl } from '../dist/v4a-node.js';
import { ACCESS_KEY_ID, EXPIRES_IN, KEY, SECRET_ACCESS_KEY, SIGNING_DATE } from './workloads.mjs';

const HOST = 'mfzwi23gnjvgw.mrap.accesspoint.s3-global.amazonaws.com';
const credentials = { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET_ACCESS_KEY };
const options = {
  method: 'GET',
  url: `https://${HOST}/${KEY.split('/').map(encodeURIComponent).join('/')}`,
  service: 's3',
  regionSet: ['*'],
  credentials,
  expiresIn: EXPIRES_IN,
  signingDate: SIGNING_DATE,
};
const verifyOptions = {
  secretFor: (id) => (id === ACCESS_KEY_ID ? SECRET_ACCESS_KEY : undefined),
  now: new Date(SIGNING_DATE.getTime() + 60_000),
};

/** The targets of issue 13, judged like the others (bench/targets.mjs). */
export const V4A_TARGETS = [
  {
    id: 'v4a/presign-vs-floor',
    text: 'SigV4a presign in Node ≤ 1.3× one ECDSA P-256 sign + SHA-256 of the canonical request (key pair cached)',
    kind: 'at-most',
    goal: 1.3,
    formula: 'v4a-presign / floor sign',
    ratio: (ns) => ns('v4a-presign/node') / ns('v4a-floor-sign/node'),
  },
  {
    id: 'v4a/verify-vs-floor',
    text: 'SigV4a verify in Node ≤ 1.3× one ECDSA P-256 verify',
    kind: 'at-most',
    goal: 1.3,
    formula: 'v4a-verify / floor verify',
    ratio: (ns) => ns('v4a-verify/node') / ns('v4a-floor-verify/node'),
  },
];

/**
 * The SigV4a tasks, each checked before it is timed: the presign's signature verifies, the
 * floors sign and verify the presign's own string to sign, the verifier accepts the URL.
 */
export async function v4aBench() {
  const detailed = await presignV4aDetailed(options);
  const { x, y } = await v4aPublicKeyOf(credentials, nodeEcdsa);
  const b64 = (hex) => Buffer.from(hex, 'hex').toString('base64url');
  const publicKey = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64(x), y: b64(y) }, format: 'jwk' });
  const d = deriveV4aPrivateKey(ACCESS_KEY_ID, SECRET_ACCESS_KEY);
  const privateKey = createPrivateKey({
    key: { kty: 'EC', crv: 'P-256', x: b64(x), y: b64(y), d: b64(Buffer.from(d).toString('hex')) },
    format: 'jwk',
  });
  const toSign = Buffer.from(detailed.stringToSign);
  const signature = Buffer.from(detailed.signature, 'hex');
  if (!verify('sha256', toSign, publicKey, signature)) throw new Error('bench: the SigV4a presign does not verify');
  if (!verify('sha256', toSign, publicKey, sign('sha256', toSign, privateKey)))
    throw new Error('bench: the sign floor does not verify');
  const verdict = await verifyPresignedUrl({ method: 'GET', url: detailed.url }, verifyOptions);
  if (!verdict.ok) throw new Error(`bench: the SigV4a verifier refused its URL: ${verdict.code}`);

  let counter = 0;
  const tasks = [
    { id: 'v4a-presign/node', run: () => presignV4a(options) },
    // The floors are async functions: the API is a Promise by contract (WebCrypto is asynchronous),
    // so both sides pay the same await and the ratio is what the engine adds.
    {
      id: 'v4a-floor-sign/node',
      run: async () => {
        hash('sha256', detailed.canonicalRequest, 'hex');
        return sign('sha256', toSign, privateKey).toString('hex');
      },
    },
    { id: 'v4a-verify/node', run: () => verifyPresignedUrl({ method: 'GET', url: detailed.url }, verifyOptions) },
    { id: 'v4a-floor-verify/node', run: async () => verify('sha256', toSign, publicKey, signature) },
    // Reported apart: derivation (HMAC) and the platform's key import, once per credentials.
    { id: 'v4a-derive/kdf', run: () => deriveV4aPrivateKey(ACCESS_KEY_ID, `${SECRET_ACCESS_KEY}${counter++}`) },
    {
      id: 'v4a-derive/kdf+import',
      run: () => nodeEcdsa.importPrivateKey(deriveV4aPrivateKey(ACCESS_KEY_ID, `${SECRET_ACCESS_KEY}${counter++}`)),
    },
  ];
  return { tasks, targets: V4A_TARGETS };
}

/** Markdown of the SigV4a timings: µs per operation, and the derivation apart. */
export function v4aReport(ns) {
  const us = (id) => (ns(id) / 1000).toFixed(1);
  return [
    '### SigV4a (node:crypto)',
    '',
    '| operation | µs (median) |',
    '|---|---:|',
    `| **presignV4a** (key pair cached) | ${us('v4a-presign/node')} |`,
    `| *floor: SHA-256 of the canonical request + ECDSA P-256 sign* | ${us('v4a-floor-sign/node')} |`,
    `| **verifyPresignedUrl** (sigv4-presign/v4a, public key cached) | ${us('v4a-verify/node')} |`,
    `| *floor: ECDSA P-256 verify* | ${us('v4a-floor-verify/node')} |`,
    `| key derivation alone (SP 800-108 KDF, pure-JS HMAC), once per credentials | ${us('v4a-derive/kdf')} |`,
    `| key derivation + node:crypto key import, once per credentials | ${us('v4a-derive/kdf+import')} |`,
  ].join('\n');
}
