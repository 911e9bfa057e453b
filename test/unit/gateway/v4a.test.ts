/**
 * The gateway built with the `sigv4-presign/v4a` verifier: the first local SigV4a validator.
 * SigV4a URLs (a Multi-Region Access Point's region set) upload and download; SigV4 URLs keep
 * working; the default gateway stays SigV4-only; the gateway's regions meet the region set.
 */
import { describe, expect, test } from 'vitest';
import { nodeEcdsa } from '../../../src/core/ecdsa-node.js';
import { createGateway, memoryStorage } from '../../../src/gateway/gateway.js';
import { presignV4aDetailed } from '../../../src/sign/v4a.js';
import { verifyPresignedUrl } from '../../../src/verify/v4a.js';
import { ACCESS_KEY_ID, SECRET, secretFor, sign, SIGNED_AT } from '../../support/verify-fixtures.js';

const ORIGIN = 'http://127.0.0.1:8080';
const presignV4a = (method: string, path: string, regionSet: string[], headers: Record<string, string> = {}) =>
  presignV4aDetailed({
    method,
    url: ORIGIN + path,
    service: 's3',
    regionSet,
    credentials: { accessKeyId: ACCESS_KEY_ID, secretAccessKey: SECRET },
    signingDate: SIGNED_AT,
    headers,
    ecdsa: nodeEcdsa,
  });
const codeOf = async (response: Response) => /<Code>([^<]*)<\/Code>/.exec(await response.text())?.[1];

describe('createGateway with the SigV4a verifier', () => {
  const storage = memoryStorage();
  const config = { storage, secretFor, now: () => SIGNED_AT, hosts: ['127.0.0.1:8080'], regions: ['eu-west-1'] };
  const gateway = createGateway({ ...config, verifier: verifyPresignedUrl });

  test('a SigV4a PUT then GET round-trips, and a SigV4 URL still works', async () => {
    const put = await presignV4a('PUT', '/mrap/cat.txt', ['*'], { 'content-type': 'text/plain' });
    const stored = await gateway(new Request(put.url, { method: 'PUT', headers: put.headers, body: 'meow' }));
    expect(stored.status).toBe(200);
    const get = await presignV4a('GET', '/mrap/cat.txt', ['us-east-1', 'eu-west-1']);
    const read = await gateway(new Request(get.url));
    expect(read.status).toBe(200);
    expect(await read.text()).toBe('meow');
    const v4 = sign({ url: ORIGIN + '/mrap/cat.txt', region: 'eu-west-1' });
    expect((await gateway(new Request(v4.url))).status).toBe(200);
  });

  test("a region set that does not name the gateway's region is refused", async () => {
    const get = await presignV4a('GET', '/mrap/cat.txt', ['us-east-1']);
    const response = await gateway(new Request(get.url));
    expect(response.status).toBe(400);
    expect(await codeOf(response)).toBe('AuthorizationQueryParametersError');
  });

  test('a tampered SigV4a URL is refused with SignatureDoesNotMatch', async () => {
    const get = await presignV4a('GET', '/mrap/cat.txt', ['*']);
    const response = await gateway(new Request(get.url.replace('/mrap/cat.txt', '/mrap/dog.txt')));
    expect(response.status).toBe(403);
    expect(await codeOf(response)).toBe('SignatureDoesNotMatch');
  });

  test('the default gateway stays SigV4-only', async () => {
    const get = await presignV4a('GET', '/mrap/cat.txt', ['*']);
    const response = await createGateway(config)(new Request(get.url));
    expect(await codeOf(response)).toBe('AuthorizationQueryParametersError');
  });
});
