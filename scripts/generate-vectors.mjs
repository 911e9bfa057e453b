#!/usr/bin/env node
// @ts-check
/**
 * Writes test-vectors/presign.json: presigned-URL test vectors whose expected
 * values come from AWS's own C signer (aws-crt) and are cross-checked with
 * python3 botocore. Nothing here computes any part of SigV4; the case table
 * below is hand-written input data, and every expected value is what the
 * oracles returned.
 *
 *   node scripts/generate-vectors.mjs          # (re)write the file
 *   node scripts/generate-vectors.mjs --check  # exit 1 if the file is not what would be written
 *
 * Requires python3 with botocore (the vectors record both oracles).
 * Format and caveats: test-vectors/README.md.
 */
import { writeOrCheck } from './write-or-check.mjs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crtPresignTraced, EMPTY_SHA256, UNSIGNED_PAYLOAD } from '../test/support/crt-oracle.mjs';
import { botocorePresignBatch, botocoreVersion } from '../test/support/botocore-oracle.mjs';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'test-vectors', 'presign.json');

// Test-only keys from AWS's documentation. They sign nothing real.
const S3_DOC_KEYS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
};
const SUITE_KEYS = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
// Shape of a real STS token: '/', '+' and '=' all occur.
const TOKEN =
  'AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA==';
const S3_DATE = '2013-05-24T00:00:00Z';
const SUITE_DATE = '2015-08-30T12:36:00Z';

// Why botocore cannot agree, for the cases where it is known not to. Any other
// disagreement (or an agreement where one is declared) fails the generator.
const BOTO_DUPLICATES =
  'botocore SigV4QueryAuth parses the query with parse_qs and keeps only the FIRST value of a repeated name';
const BOTO_PLUS =
  "botocore parses the query with parse_qs, which reads '+' as a space (%20); crt reads it as a literal plus (%2B)";
const BOTO_UNICODE_SPACE =
  'botocore collapses header whitespace with str.split(), which also splits on U+00A0 and other Unicode spaces; crt only collapses ASCII space/tab (and keeps U+00A0)';
const BOTO_NO_MODE = 'botocore has no signer for this doubleEncode/normalizePath combination';

/**
 * @typedef {{
 *   name: string, description: string, url: string, method?: string,
 *   region?: string, service?: string,
 *   credentials?: { accessKeyId: string, secretAccessKey: string },
 *   sessionToken?: string, sessionTokenMode?: 'signed' | 'appended',
 *   signingDate?: string, expiresIn?: number, headers?: Record<string, string>,
 *   payloadHash?: string, uriEscapePath?: boolean, normalizePath?: boolean,
 *   signerPath?: string, sameSignatureAs?: string, botocoreDisagrees?: string,
 * }} CaseSpec
 * signerPath: hand-written path handed to the signers when the URL's raw path
 * is not already it (S3: the canonical key path; others: the wire path).
 * sameSignatureAs: the generator asserts both cases got the same signature.
 */

/** @type {CaseSpec[]} */
const CASES = [
  // ----- S3: path encoded once, never normalised, UNSIGNED-PAYLOAD -----
  {
    name: 's3-aws-doc-example',
    description:
      "The GET example of AWS's 'Authenticating Requests: Using Query Parameters' page (signature aeeed9bb...).",
    url: 'https://examplebucket.s3.amazonaws.com/test.txt',
    credentials: S3_DOC_KEYS,
    expiresIn: 86400,
  },
  {
    name: 's3-key-space',
    description: 'Key with spaces, %20 in the URL.',
    url: 'https://examplebucket.s3.amazonaws.com/my%20photo%20(1).jpg',
    signerPath: '/my%20photo%20%281%29.jpg',
  },
  {
    name: 's3-key-plus',
    description: "Key with a literal '+' (%2B): in a path '+' is not a space.",
    url: 'https://examplebucket.s3.amazonaws.com/a%2Bb%2Bc.txt',
  },
  {
    name: 's3-key-percent',
    description: "Key with a literal '%' (%25).",
    url: 'https://examplebucket.s3.amazonaws.com/100%25%20done.txt',
  },
  {
    name: 's3-key-tilde',
    description: "'~' is unreserved: never encoded.",
    url: 'https://examplebucket.s3.amazonaws.com/~user/file~1.txt',
  },
  {
    name: 's3-key-subdelims-encoded',
    description: "Key with *!'() written percent-encoded (the canonical form).",
    url: 'https://examplebucket.s3.amazonaws.com/a%2A%21%27%28%29b',
  },
  {
    name: 's3-key-subdelims-raw',
    description:
      "Same key as s3-key-subdelims-encoded with *!'() written raw in the URL: S3 signs the canonical encoding of the key.",
    url: "https://examplebucket.s3.amazonaws.com/a*!'()b",
    signerPath: '/a%2A%21%27%28%29b',
    sameSignatureAs: 's3-key-subdelims-encoded',
  },
  {
    name: 's3-key-reserved-encoded',
    description: 'Key with :@&=$,;? encoded, then c/d.',
    url: 'https://examplebucket.s3.amazonaws.com/a%3A%40%26%3D%24%2C%3B%3Fb/c/d',
  },
  {
    name: 's3-key-encoded-slash',
    description: "The same key with its last '/' written %2F: S3 decodes %2F in a path to '/', so the signers get c/d.",
    url: 'https://examplebucket.s3.amazonaws.com/a%3A%40%26%3D%24%2C%3B%3Fb/c%2Fd',
    signerPath: '/a%3A%40%26%3D%24%2C%3B%3Fb/c/d',
    sameSignatureAs: 's3-key-reserved-encoded',
  },
  {
    name: 's3-key-unicode-nfc',
    description: "Key 'café.txt' in NFC (U+00E9).",
    url: 'https://examplebucket.s3.amazonaws.com/caf%C3%A9.txt',
  },
  {
    name: 's3-key-unicode-nfd',
    description: "Key 'café.txt' in NFD (e + U+0301): a different key, so a different signature from NFC.",
    url: 'https://examplebucket.s3.amazonaws.com/cafe%CC%81.txt',
  },
  {
    name: 's3-key-unicode-raw',
    description: "Key 'café.txt' (NFC) written raw in the URL string: same canonical path as s3-key-unicode-nfc.",
    url: 'https://examplebucket.s3.amazonaws.com/café.txt',
    signerPath: '/caf%C3%A9.txt',
    sameSignatureAs: 's3-key-unicode-nfc',
  },
  {
    name: 's3-key-unicode-lowercase-hex',
    description: 'Key written with lower-case hex escapes: the canonical form has upper-case hex.',
    url: 'https://examplebucket.s3.amazonaws.com/caf%c3%a9.txt',
    signerPath: '/caf%C3%A9.txt',
    sameSignatureAs: 's3-key-unicode-nfc',
  },
  {
    name: 's3-key-cjk-emoji',
    description: '4-byte UTF-8 (emoji) and CJK.',
    url: 'https://examplebucket.s3.amazonaws.com/%E6%97%A5%E6%9C%AC/%F0%9F%98%80.png',
  },
  {
    name: 's3-key-double-slashes',
    description: "'//' runs are part of the key: kept.",
    url: 'https://examplebucket.s3.amazonaws.com/a//b///c',
  },
  {
    name: 's3-key-leading-slashes',
    description: "A key starting with '/' gives a path starting with '//'.",
    url: 'https://examplebucket.s3.amazonaws.com//leading',
  },
  {
    name: 's3-key-trailing-slash',
    description: 'Folder-style key with a trailing slash.',
    url: 'https://examplebucket.s3.amazonaws.com/photos/2024/',
  },
  {
    name: 's3-key-dot-segments',
    description: "'.' and '..' segments are part of the key: S3 does not normalise.",
    url: 'https://examplebucket.s3.amazonaws.com/a/./b/../c',
  },
  {
    name: 's3-key-only-dots',
    description: "Keys '.' and '..' as whole segments.",
    url: 'https://examplebucket.s3.amazonaws.com/./../.',
  },
  {
    name: 's3-list-bucket-root',
    description: 'Bucket root with ListObjectsV2 query parameters.',
    url: 'https://examplebucket.s3.amazonaws.com/?list-type=2&prefix=photos%2F2024%2F&max-keys=100',
  },
  {
    name: 's3-path-style-us-west-2',
    description: 'Path-style URL in us-west-2.',
    url: 'https://s3.us-west-2.amazonaws.com/my-bucket/key.txt',
    region: 'us-west-2',
    signingDate: '2024-02-29T23:59:59Z',
  },
  {
    name: 's3-session-token-signed',
    description: "Session token with '/', '+' and '=' signed in the canonical query.",
    url: 'https://examplebucket.s3.amazonaws.com/test.txt',
    sessionToken: TOKEN,
  },
  {
    name: 's3-session-token-appended',
    description:
      'Token left out of the signature and appended after signing (crt omit_session_token): same signature as the request without a token.',
    url: 'https://examplebucket.s3.amazonaws.com/test.txt',
    sessionToken: TOKEN,
    sessionTokenMode: 'appended',
    sameSignatureAs: 's3-https-default-port',
  },
  {
    name: 's3-expires-1',
    description: 'Shortest expiry.',
    url: 'https://examplebucket.s3.amazonaws.com/test.txt',
    expiresIn: 1,
  },
  {
    name: 's3-expires-604800',
    description: 'Longest expiry SigV4 allows (7 days).',
    url: 'https://examplebucket.s3.amazonaws.com/test.txt',
    expiresIn: 604800,
  },
  {
    name: 's3-custom-port',
    description: 'Non-default port: kept in the host header (MinIO style).',
    url: 'https://localhost:9000/bucket/key.txt',
  },
  {
    name: 's3-http-default-port',
    description: 'http URL with :80 written: the default port is not signed.',
    url: 'http://examplebucket.s3.amazonaws.com:80/test.txt',
    sameSignatureAs: 's3-https-default-port',
  },
  {
    name: 's3-https-default-port',
    description: 'https URL with :443 written: the default port is not signed.',
    url: 'https://examplebucket.s3.amazonaws.com:443/test.txt',
  },
  {
    name: 's3-http-port-443',
    description: 'http URL on port 443: not the default for http, so signed.',
    url: 'http://examplebucket.s3.amazonaws.com:443/test.txt',
  },
  {
    name: 's3-uppercase-host',
    description: 'Host written in upper case: signed lower-case.',
    url: 'https://ExampleBucket.S3.AmazonAWS.com/test.txt',
    sameSignatureAs: 's3-https-default-port',
  },
  {
    name: 's3-put-with-headers',
    description: 'PUT with Content-Type and metadata headers; values trimmed and inner spaces collapsed.',
    method: 'PUT',
    url: 'https://examplebucket.s3.amazonaws.com/upload/report.csv',
    headers: {
      'Content-Type': 'text/csv',
      'X-Amz-Meta-Author': '  Jane    Doe  ',
      'x-amz-server-side-encryption': 'AES256',
    },
  },
  {
    name: 's3-headers-odd-case-tabs',
    description: 'Header names in odd case; values with tabs and runs of spaces/tabs.',
    method: 'PUT',
    url: 'https://examplebucket.s3.amazonaws.com/t.txt',
    headers: {
      'X-aMz-MeTa-TaBs': '\ta\t\tb \t c\t',
      'X-AMZ-ACL': 'private',
      'content-md5': 'rL0Y20zC+Fzt72VPzMSk2A==',
    },
  },
  {
    name: 's3-header-nbsp',
    description: 'Header value with U+00A0 (no-break space): crt keeps it (only ASCII space/tab are collapsed).',
    method: 'PUT',
    url: 'https://examplebucket.s3.amazonaws.com/t.txt',
    headers: { 'x-amz-meta-name': 'a\u00a0b' },
    botocoreDisagrees: BOTO_UNICODE_SPACE,
  },
  {
    name: 's3-query-response-overrides',
    description: 'response-content-* overrides with encoded reserved characters in the values.',
    url: 'https://examplebucket.s3.amazonaws.com/a.pdf?response-content-disposition=attachment%3B%20filename%3D%22a%20b.pdf%22&response-content-type=application%2Fpdf',
  },
  {
    name: 's3-query-unicode-raw',
    description: "Raw UTF-8 in a query value ('€').",
    url: 'https://examplebucket.s3.amazonaws.com/?prefix=€uro/',
  },
  {
    name: 's3-query-unicode-encoded',
    description: 'UTF-8 query value written encoded.',
    url: 'https://examplebucket.s3.amazonaws.com/?prefix=%E2%82%ACuro%2F',
    sameSignatureAs: 's3-query-unicode-raw',
  },
  {
    name: 's3-query-empty-and-bare',
    description: "An empty value ('versionId=') and a bare name ('uploads').",
    method: 'POST',
    url: 'https://examplebucket.s3.amazonaws.com/big.bin?uploads&versionId=',
  },
  {
    name: 's3-query-duplicates',
    description: 'Repeated names are all kept, sorted by name then value.',
    url: 'https://examplebucket.s3.amazonaws.com/?b=2&a=2&a=1&a=',
    botocoreDisagrees: BOTO_DUPLICATES,
  },
  {
    name: 's3-query-plus',
    description: "'+' in a query value is a literal plus (RFC 3986), not a space.",
    url: 'https://examplebucket.s3.amazonaws.com/?q=a+b',
    botocoreDisagrees: BOTO_PLUS,
  },
  {
    name: 's3-query-recoded',
    description: 'Lower-case hex and needlessly encoded unreserved characters are re-encoded canonically.',
    url: 'https://examplebucket.s3.amazonaws.com/?k=%2a%7e%21%41&%6Ey=v',
  },
  {
    name: 's3-query-sort-by-encoded-name',
    description:
      "The sort is on ENCODED names: '%C3%A9' (é) comes before 'A', 'a' and '~'; a sort on decoded bytes would put é last.",
    url: 'https://examplebucket.s3.amazonaws.com/?~=1&%C3%A9=2&A=3&a=4',
  },
  {
    name: 's3-r2-auto-region',
    description: "Cloudflare R2 style: region 'auto'.",
    url: 'https://0123456789abcdef.r2.cloudflarestorage.com/bucket/key.txt',
    region: 'auto',
  },
  {
    name: 's3-eu-central-1-leap-day',
    description: 'eu-central-1, signing date on a leap day.',
    url: 'https://examplebucket.s3.eu-central-1.amazonaws.com/test.txt',
    region: 'eu-central-1',
    signingDate: '2024-02-29T12:00:00Z',
  },
  {
    name: 's3-delete',
    description: 'DELETE method.',
    method: 'DELETE',
    url: 'https://examplebucket.s3.amazonaws.com/old.txt?versionId=3HL4kqtJlcpXroDTDmJ%2BrmSpXd3dIbrHY',
  },
  {
    name: 's3-head-year-2037',
    description: 'HEAD, late date.',
    method: 'HEAD',
    url: 'https://examplebucket.s3.amazonaws.com/test.txt',
    signingDate: '2037-12-31T23:59:59Z',
  },

  // ----- Other services: wire path encoded again and normalised, SHA-256 of the empty body -----
  {
    name: 'iam-list-users',
    description: 'IAM ListUsers in the query, bucket-less root path.',
    url: 'https://iam.amazonaws.com/?Action=ListUsers&Version=2010-05-08',
    service: 'iam',
  },
  {
    name: 'sts-get-caller-identity-token-signed',
    description: 'STS with a session token signed in the canonical query.',
    url: 'https://sts.amazonaws.com/?Action=GetCallerIdentity&Version=2011-06-15',
    service: 'sts',
    sessionToken: TOKEN,
  },
  {
    name: 'iot-mqtt-token-appended',
    description: 'IoT Core websocket URL: the session token is appended after signing, not signed.',
    url: 'https://a1b2c3d4e5f6g7-ats.iot.us-east-1.amazonaws.com/mqtt',
    service: 'iotdevicegateway',
    sessionToken: TOKEN,
    sessionTokenMode: 'appended',
  },
  {
    name: 'apigw-encoded-space',
    description: "execute-api: '%20' in the wire path is encoded again to '%2520'.",
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items/a%20b',
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    name: 'apigw-encoded-slash-percent',
    description: "'%2F' and '%25' in the wire path are encoded again, not decoded.",
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/a%2Fb/100%25',
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    name: 'apigw-raw-subdelims',
    description: "Raw *!'():@,;=+$ are legal in a wire path; the second encoding encodes them.",
    url: "https://abc123.execute-api.eu-west-1.amazonaws.com/prod/a*!'():@,;=+$b",
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    name: 'apigw-unicode-encoded',
    description: 'UTF-8 escapes in the wire path become %25XX.',
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/caf%C3%A9',
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    name: 'apigw-unicode-raw',
    description: "Raw 'é' in the URL string: the wire path is its UTF-8 escape (as new URL would send it).",
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/café',
    service: 'execute-api',
    region: 'eu-west-1',
    signerPath: '/prod/caf%C3%A9',
    sameSignatureAs: 'apigw-unicode-encoded',
  },
  {
    name: 'apigw-dot-segments',
    description: "'.' and '..' segments are removed before signing.",
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/./items/../orders',
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    name: 'apigw-dot-dot-above-root',
    description: "'..' above the root is dropped: '/../a/b/..' normalises to '/a'.",
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/../a/b/..',
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    name: 'apigw-double-slashes',
    description: "'//' runs are collapsed; a trailing slash is kept.",
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com//prod//a///b/',
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    name: 'apigw-trailing-slash',
    description: 'Trailing slash kept.',
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/items/',
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    name: 'apigw-encoded-dots-not-segments',
    description: "'%2E%2E' is not a dot segment for the signers: kept and encoded again.",
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/%2E%2E/x',
    service: 'execute-api',
    region: 'eu-west-1',
  },
  {
    name: 'apigw-query-unicode-duplicates',
    description: 'Repeated query name with UTF-8 and empty values.',
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/search?tag=%E6%97%A5&tag=a&tag=&q=x%20y',
    service: 'execute-api',
    region: 'eu-west-1',
    botocoreDisagrees: BOTO_DUPLICATES,
  },
  {
    name: 'apigw-unsigned-payload',
    description: 'A non-S3 service signing UNSIGNED-PAYLOAD (botocore: payload() overridden by the adapter).',
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/prod/upload',
    method: 'PUT',
    service: 'execute-api',
    region: 'eu-west-1',
    payloadHash: UNSIGNED_PAYLOAD,
  },
  {
    name: 'lambda-url-post-headers',
    description: 'POST with content-type and a custom header, http on a custom port, us-west-2.',
    method: 'POST',
    url: 'http://localhost:8080/2015-03-31/functions/my-fn/invocations',
    service: 'lambda',
    region: 'us-west-2',
    headers: { 'Content-Type': 'application/json', 'X-Amz-Invocation-Type': '  Event ', 'X-Custom': 'a \t b' },
  },
  {
    name: 'generic-custom-payload-hash',
    description: "Explicit payload hash (SHA-256 of 'hello', written as a literal).",
    method: 'POST',
    url: 'https://service.us-east-1.amazonaws.com/',
    service: 'service',
    payloadHash: '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
  },
  {
    name: 'generic-expires-604800-auto-region',
    description: "Longest expiry, region 'auto'.",
    url: 'https://example.com/path',
    service: 'execute-api',
    region: 'auto',
    expiresIn: 604800,
  },
  {
    name: 'generic-escape-without-normalize',
    description: 'uriEscapePath on, normalizePath off: dot segments and // kept, path encoded again.',
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/a/./b//c%20d/..',
    service: 'execute-api',
    region: 'eu-west-1',
    normalizePath: false,
    botocoreDisagrees: BOTO_NO_MODE,
  },
  {
    name: 'generic-normalize-without-escape',
    description: 'normalizePath on, uriEscapePath off: dot segments removed, path not encoded again.',
    url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/a/./b//c%20d/..',
    service: 'execute-api',
    region: 'eu-west-1',
    uriEscapePath: false,
    botocoreDisagrees: BOTO_NO_MODE,
  },
];

const S3_LIKE = new Set(['s3']);

/**
 * Raw pieces of the URL string (no normalisation of any kind) and the host
 * header value: WHATWG URL's host, i.e. lower-case, default port dropped.
 * @param {string} url
 */
function splitRaw(url) {
  const m = /^(https?):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/.exec(url);
  if (m === null) throw new Error(`bad URL in case table: ${url}`);
  return {
    scheme: /** @type {'http' | 'https'} */ (m[1]),
    host: new URL(url).host,
    path: m[3] || '/',
    query: m[4] ?? '',
  };
}

/** @param {CaseSpec} spec */
function buildInputs(spec) {
  const service = spec.service ?? 's3';
  const s3 = S3_LIKE.has(service);
  const creds = spec.credentials ?? (s3 ? S3_DOC_KEYS : SUITE_KEYS);
  return {
    method: spec.method ?? 'GET',
    url: spec.url,
    region: spec.region ?? 'us-east-1',
    service,
    credentials: { accessKeyId: creds.accessKeyId, secretAccessKey: creds.secretAccessKey },
    ...(spec.sessionToken === undefined ? {} : { sessionToken: spec.sessionToken }),
    sessionTokenMode: spec.sessionTokenMode ?? 'signed',
    signingDate: spec.signingDate ?? (s3 ? S3_DATE : SUITE_DATE),
    expiresIn: spec.expiresIn ?? 3600,
    headers: spec.headers ?? {},
    payloadHash: spec.payloadHash ?? (s3 ? UNSIGNED_PAYLOAD : EMPTY_SHA256),
    uriEscapePath: spec.uriEscapePath ?? !s3,
    normalizePath: spec.normalizePath ?? !s3,
  };
}

/**
 * @param {CaseSpec} spec
 * @param {ReturnType<typeof buildInputs>} inputs
 * @returns {import('../test/support/crt-oracle.d.mts').OracleRequest}
 */
function oracleRequest(spec, inputs) {
  const raw = splitRaw(spec.url);
  return {
    method: inputs.method,
    scheme: raw.scheme,
    host: raw.host,
    path: spec.signerPath ?? raw.path,
    query: raw.query,
    headers: Object.entries(inputs.headers),
    region: inputs.region,
    service: inputs.service,
    accessKeyId: inputs.credentials.accessKeyId,
    secretAccessKey: inputs.credentials.secretAccessKey,
    ...(inputs.sessionToken === undefined ? {} : { sessionToken: inputs.sessionToken }),
    omitSessionToken: inputs.sessionTokenMode === 'appended',
    date: new Date(inputs.signingDate),
    expiresIn: inputs.expiresIn,
    payloadHash: inputs.payloadHash,
    doubleEncode: inputs.uriEscapePath,
    normalizePath: inputs.normalizePath,
  };
}

async function generate() {
  const names = new Set();
  for (const c of CASES) {
    if (names.has(c.name)) throw new Error(`duplicate case name ${c.name}`);
    names.add(c.name);
  }
  const inputs = CASES.map(buildInputs);
  const reqs = CASES.map((c, i) => oracleRequest(c, /** @type {ReturnType<typeof buildInputs>} */ (inputs[i])));
  const crt = await crtPresignTraced(reqs);
  const boto = await botocorePresignBatch(reqs);
  if (boto === undefined) throw new Error('python3 with botocore is required to generate the vectors');

  /** @type {Map<string, string>} */
  const sigByName = new Map();
  const problems = [];
  const cases = CASES.map((spec, i) => {
    const c = crt[i];
    const b = boto[i];
    const req = reqs[i];
    if (c === undefined || b === undefined || req === undefined) throw new Error('oracle result count mismatch');
    if ('error' in c) throw new Error(`${spec.name}: crt failed: ${c.error}`);
    sigByName.set(spec.name, c.signature);
    /** @type {Record<string, unknown>} */
    let botocore;
    if ('error' in b) {
      if (spec.botocoreDisagrees === undefined) problems.push(`${spec.name}: botocore failed: ${b.error}`);
      botocore = {
        agreesWithCrt: false,
        error: b.error,
        ...(spec.botocoreDisagrees ? { why: spec.botocoreDisagrees } : {}),
      };
    } else {
      const agrees = b.signature === c.signature;
      if (agrees && b.canonicalRequest !== c.canonicalRequest)
        problems.push(`${spec.name}: same signature, different canonical requests?`);
      if (agrees && spec.botocoreDisagrees !== undefined)
        problems.push(`${spec.name}: declared a botocore disagreement, but botocore agrees`);
      if (!agrees && spec.botocoreDisagrees === undefined) {
        problems.push(
          `${spec.name}: UNDECLARED crt/botocore disagreement\n--- crt\n${c.canonicalRequest}\n--- botocore\n${b.canonicalRequest}`,
        );
      }
      botocore = {
        agreesWithCrt: agrees,
        ...(agrees ? {} : { why: spec.botocoreDisagrees ?? 'UNDECLARED' }),
        signature: b.signature,
        signerClass: b.signerClass,
        payloadOverridden: b.payloadOverridden,
        tokenAppendedByAdapter: b.tokenAppendedByAdapter,
        canonicalRequest: b.canonicalRequest,
        stringToSign: b.stringToSign,
        url: b.url,
      };
    }
    return {
      name: spec.name,
      description: spec.description,
      inputs: inputs[i],
      signerInput: {
        host: req.host,
        path: req.path,
        query: req.query,
        headers: [...(req.headers ?? [])],
      },
      expected: {
        signature: c.signature,
        signedQueryParams: c.queryPairs,
        signedPathAndQuery: c.signedUrlPathAndQuery,
        canonicalRequest: c.canonicalRequest,
        stringToSign: c.stringToSign,
      },
      botocore,
    };
  });
  for (const spec of CASES) {
    if (spec.sameSignatureAs === undefined) continue;
    const other = sigByName.get(spec.sameSignatureAs);
    if (other === undefined) problems.push(`${spec.name}: sameSignatureAs unknown case ${spec.sameSignatureAs}`);
    else if (other !== sigByName.get(spec.name))
      problems.push(`${spec.name}: expected the same signature as ${spec.sameSignatureAs}`);
  }
  if (problems.length > 0) throw new Error(`vector generation found problems:\n${problems.join('\n\n')}`);

  const require = createRequire(import.meta.url);
  const crtVersion = /** @type {{ version: string }} */ (require('aws-crt/package.json')).version;
  const doc = {
    format: 'sigv4-presign-vectors/1',
    generator: 'scripts/generate-vectors.mjs',
    oracles: {
      expected: `aws-crt ${crtVersion} (aws-c-auth) auth.aws_sign_request, HttpRequestViaQueryParams; canonicalRequest/stringToSign captured from its INFO log`,
      botocore: `botocore ${botocoreVersion()} S3SigV4QueryAuth / SigV4QueryAuth`,
    },
    cases,
  };
  return JSON.stringify(doc, null, 2) + '\n';
}

const text = await generate();
if (writeOrCheck(OUT, text, 'node scripts/generate-vectors.mjs')) {
  const parsed = JSON.parse(text);
  const disagree = parsed.cases.filter((/** @type {any} */ c) => !c.botocore.agreesWithCrt).length;
  console.log(
    `wrote ${OUT}: ${parsed.cases.length} cases, botocore agrees on ${parsed.cases.length - disagree}, declared disagreements ${disagree}`,
  );
}
