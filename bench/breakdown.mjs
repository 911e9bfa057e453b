/**
 * Where a presign's time goes, stage by stage: each exported stage of the engine is timed alone
 * (mitata, median) on the real inputs of a workload, next to the whole presign. What the stages
 * do not account for is validation, option reading and object allocation in `presignDetailed`.
 *
 * Usage: `npm run build && node bench/breakdown.mjs [workload-id]` (default: get and get-token).
 *
 * @example
 * ```sh
 * node bench/breakdown.mjs get-token
 * ```
 * @module
 */
import { measure } from 'mitata';
import { nodeBackend, presign, pureJsBackend, verifyPresignedUrlSync } from '../dist/node.js';
import {
  canonicalHeaders,
  canonicalQuery,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  signingKey,
  splitUrl,
  stringToSign,
  uriEncode,
  wirePath,
} from '../dist/stages.js';
import { presignOptions } from './contenders/ours.mjs';
import { AMZ_DATE, REGION, SECRET_ACCESS_KEY, WORKLOADS } from './workloads.mjs';

const S3_RULES = { uriEscapePath: false, normalizePath: false };

/** The stages of one presign of `workload`'s first key, each a thunk over precomputed inputs. */
function stages(workload, backend) {
  const options = presignOptions(workload, 0, backend);
  const url = splitUrl(options.url);
  const path = wirePath(url.path, S3_RULES);
  const headers = new Map([['host', url.host]]);
  const canonical = canonicalHeaders(headers);
  // The engine encodes a session token once and reuses it (it is the same on every call).
  const encodedToken = workload.sessionToken === undefined ? undefined : uriEncode(workload.sessionToken, false);
  const amzParameters = () => {
    const pairs = [
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      [
        'X-Amz-Credential',
        `${uriEncode(options.credentials.accessKeyId, false)}%2F20240315%2F${REGION}%2Fs3%2Faws4_request`,
      ],
      ['X-Amz-Date', AMZ_DATE],
      ['X-Amz-Expires', '3600'],
      ['X-Amz-SignedHeaders', 'host'],
    ];
    if (encodedToken !== undefined) pairs.push(['X-Amz-Security-Token', encodedToken]);
    return pairs;
  };
  const query = canonicalQuery(amzParameters());
  const request = canonicalRequest('GET', canonicalUri(path, S3_RULES), query, canonical, 'UNSIGNED-PAYLOAD');
  const scope = credentialScope(AMZ_DATE, REGION, 's3');
  const toSign = stringToSign(AMZ_DATE, scope, backend.sha256Hex(request));
  const key = signingKey(backend, SECRET_ACCESS_KEY, '20240315', REGION, 's3');
  const signature = backend.hmacHex(key, toSign);
  const presigned = presign(options);
  const secrets = new Map([[options.credentials.accessKeyId, SECRET_ACCESS_KEY]]);
  const verifyOptions = {
    secretFor: (id) => secrets.get(id),
    now: new Date(options.signingDate.getTime() + 60_000),
    backend,
  };
  return [
    ['splitUrl (URL into scheme, host, path, query)', () => splitUrl(options.url)],
    ['wirePath (S3: re-encode the path canonically)', () => wirePath(url.path, S3_RULES)],
    ['canonicalHeaders (host only)', () => canonicalHeaders(new Map([['host', url.host]]))],
    ['X-Amz-* pairs + canonicalQuery (sort, join)', () => canonicalQuery(amzParameters())],
    [
      'canonicalRequest (join six parts)',
      () => canonicalRequest('GET', canonicalUri(path, S3_RULES), query, canonical, 'UNSIGNED-PAYLOAD'),
    ],
    ['sha256Hex (canonical request)', () => backend.sha256Hex(request)],
    [
      'credentialScope + stringToSign',
      () => stringToSign(AMZ_DATE, credentialScope(AMZ_DATE, REGION, 's3'), 'f'.repeat(64)),
    ],
    ['signingKey (cache hit)', () => signingKey(backend, SECRET_ACCESS_KEY, '20240315', REGION, 's3')],
    ['hmacHex (string to sign)', () => backend.hmacHex(key, toSign)],
    ['assemble the URL string', () => `https://${url.host}${path}?${query}&X-Amz-Signature=${signature}`],
    ['= presign() in total', () => presign(options)],
    [
      'verifyPresignedUrlSync() of that URL',
      () => verifyPresignedUrlSync({ method: 'GET', url: presigned }, verifyOptions),
    ],
  ];
}

const ids = process.argv[2] ? [process.argv[2]] : ['get', 'get-token'];
for (const id of ids) {
  const workload = WORKLOADS.find((w) => w.id === id);
  const columns = [];
  for (const backend of [nodeBackend, pureJsBackend]) {
    const column = [];
    for (const [name, run] of stages(workload, backend))
      column.push([name, (await measure(run, { min_cpu_time: 150e6, batch_samples: 32, gc: false })).p50]);
    columns.push(column);
  }
  console.log(`\n### Stages of one presign: ${workload.title}\n`);
  console.log('| stage | node:crypto µs | pure JS µs |\n|---|---:|---:|');
  const sum = [0, 0];
  for (let i = 0; i < columns[0].length; i++) {
    const [name, nodeNs] = columns[0][i];
    const pureJsNs = columns[1][i][1];
    if (name.startsWith('=')) {
      console.log(`| sum of the stages above | ${(sum[0] / 1000).toFixed(2)} | ${(sum[1] / 1000).toFixed(2)} |`);
      console.log(
        `| validation, options, allocation (total − sum) | ${((nodeNs - sum[0]) / 1000).toFixed(2)} | ${((pureJsNs - sum[1]) / 1000).toFixed(2)} |`,
      );
    } else if (!name.startsWith('verify')) {
      sum[0] += nodeNs;
      sum[1] += pureJsNs;
    }
    console.log(
      `| ${name.startsWith('=') || name.startsWith('verify') ? `**${name}**` : name} | ${(nodeNs / 1000).toFixed(2)} | ${(pureJsNs / 1000).toFixed(2)} |`,
    );
  }
}
