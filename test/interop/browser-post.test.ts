/**
 * Presigned POST in a real browser (headless Debian Chromium through playwright-core): a page on
 * loopback holds an HTML form whose hidden inputs are presignPost's fields and whose file input
 * comes last; Chromium posts it straight to the store (Ceph RGW, and the project's gateway), which
 * redirects back to the page with the bucket, key and ETag. On Ceph a second page uploads with
 * fetch and FormData across origins (the bucket's CORS rule allows POST; the gateway answers no
 * CORS preflight, so only forms reach it from a browser). Each upload is read back byte for byte,
 * and a form that breaks the policy (a text file under an image-only policy) is refused.
 * Screenshots go to test-artifacts/.
 */
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startGateway } from '../../src/gateway/node.js';
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { launchChromium, requireChromium } from './browser/chromium.js';
import { allowOrigin, randomPng } from './browser/fixtures.js';
import { startPostPage } from './browser/post-page.js';
import { readBack, type PostTarget } from '../support/post-matrix.js';
import { cephConfigured, startCeph, type S3TestServer } from '../support/s3-servers.js';

const chromiumPath = requireChromium();
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));
const cephWanted = cephConfigured() || process.env['CI'] !== undefined;
if (!cephWanted)
  console.warn('\n!!! SKIPPING the browser POST upload to Ceph RGW: set CEPH_RGW_ENDPOINT etc. or CEPH=1\n');

/** A store for the browser to post to: its location and credentials. */
interface Store {
  readonly server: S3TestServer;
}

async function gatewayStore(): Promise<Store> {
  const directory = mkdtempSync(join(tmpdir(), 'sigv4-browser-post-'));
  const credentials = { accessKeyId: 'AKIDBROWSERPOST', secretAccessKey: 'browser/post+secret' };
  const gateway = await startGateway({
    directory,
    secretFor: (id) => (id === credentials.accessKeyId ? credentials.secretAccessKey : undefined),
  });
  const location = { bucket: 'browser-bucket', region: 'us-east-1', endpoint: gateway.url };
  const stop = async () => {
    await gateway.close();
    rmSync(directory, { recursive: true, force: true });
  };
  return { server: { name: 'gateway', location, credentials, stop } };
}

// The third entry: whether fetch can reach the store across origins (Ceph has CORS; the gateway answers no preflight).
const stores: [string, () => Promise<Store>, boolean][] = [['the gateway', gatewayStore, false]];
if (cephWanted) stores.unshift(['Ceph RGW', async () => ({ server: await startCeph() }), true]);

describe.runIf(chromiumPath !== undefined).each(stores)('browser POST upload to %s', (storeName, open, fetchable) => {
  const slug = storeName === 'Ceph RGW' ? 'ceph' : 'gateway';
  let store: S3TestServer;
  let target: PostTarget;
  let page: Awaited<ReturnType<typeof startPostPage>>;
  let browser: Awaited<ReturnType<typeof launchChromium>>;
  beforeAll(async () => {
    ({ server: store } = await open());
    target = { name: slug, location: store.location, credentials: store.credentials };
    page = await startPostPage({ location: store.location, credentials: store.credentials });
    browser = await launchChromium(chromiumPath!);
    mkdirSync(artifacts, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    page?.server.close();
    await store?.stop();
  });

  test('an HTML form uploads the file, and the store redirects back with bucket, key and ETag', async () => {
    const tab = await browser.newPage({ viewport: { width: 900, height: 520 } });
    await tab.goto(page.origin);
    const file = randomPng();
    const name = `pixels-${Date.now()}.png`;
    await tab.setInputFiles('#file', { name, mimeType: 'image/png', buffer: file });
    await Promise.all([tab.waitForURL(`${page.origin}/done?**`), tab.click('#send')]);
    const query = new URL(tab.url()).searchParams;
    expect(query.get('bucket')).toBe(target.location.bucket);
    expect(query.get('key')).toBe(`browser/${name}`);
    expect(query.get('etag')).toMatch(/^"?[0-9a-f]{32}"?$/);
    await tab.waitForFunction(
      "document.getElementById('preview').complete && document.getElementById('preview').naturalWidth === 16",
    );
    await tab.screenshot({ path: `${artifacts}browser-post-form-${slug}.png` });
    const stored = await readBack(target, `browser/${name}`);
    expect(stored.status).toBe(200);
    expect(Buffer.from(stored.bytes).equals(file)).toBe(true);
    expect(stored.contentType).toBe('image/png');
    await tab.close();
  });

  test('the same form with a file the policy does not allow is refused, and nothing is stored', async () => {
    const tab = await browser.newPage();
    await tab.goto(page.origin);
    const name = `notes-${Date.now()}.txt`;
    await tab.setInputFiles('#file', { name, mimeType: 'text/plain', buffer: Buffer.from('not an image') });
    const [response] = await Promise.all([tab.waitForNavigation(), tab.click('#send')]);
    expect(response?.status()).toBe(403);
    expect(await tab.content()).toContain('AccessDenied');
    expect((await readBack(target, `browser/${name}`)).status).toBe(404);
    await tab.close();
  });

  if (fetchable)
    test('fetch with FormData, the file last, across origins', async () => {
      const corsRule = await allowOrigin(store, page.origin, ['POST', 'GET']);
      expect(corsRule.status, corsRule.body.toString('utf8')).toBe(200);
      const tab = await browser.newPage({ viewport: { width: 900, height: 400 } });
      await tab.goto(`${page.origin}/fetch`);
      const file = randomPng();
      const name = `fetched-${Date.now()}.png`;
      await tab.setInputFiles('#file', { name, mimeType: 'image/png', buffer: file });
      await tab.click('#upload');
      const handle = await tab.waitForFunction('document.body.dataset.result', undefined, { timeout: 30_000 });
      const outcome = JSON.parse((await handle.jsonValue()) as string) as { status: number; key: string; etag: string };
      await tab.screenshot({ path: `${artifacts}browser-post-fetch-${slug}.png` });
      expect(outcome).toMatchObject({ status: 201, key: `browser/${name}` });
      const stored = await readBack(target, `browser/${name}`);
      expect(Buffer.from(stored.bytes).equals(file)).toBe(true);
      await tab.close();
    });
});
