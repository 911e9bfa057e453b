/**
 * A browser upload end to end, in headless Chromium: the page asks its server for a presigned
 * PUT (content-type signed), uploads the file with fetch straight to the S3-compatible store
 * (cross-origin, so through the bucket's CORS rules), downloads it through a presigned GET and
 * compares the bytes. Runs against s3rver, and against Ceph RGW when configured (always in CI).
 * A screenshot of each run goes to test-artifacts/.
 */
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { launchChromium, requireChromium } from './browser/chromium.js';
import { allowOrigin, randomPng } from './browser/fixtures.js';
import { startUploadPage, type UploadOutcome } from './browser/upload-page.js';
import { cephConfigured, send, startCeph, startS3rver, type S3TestServer } from '../support/s3-servers.js';

const chromiumPath = requireChromium();
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

const servers: [string, () => Promise<S3TestServer>][] = [['s3rver', startS3rver]];
// Under CI Ceph is required: startCeph throws when it is not configured.
if (cephConfigured() || process.env.CI) servers.push(['ceph', startCeph]);
else console.warn('\n!!! SKIPPING the browser upload against Ceph RGW: set CEPH_RGW_ENDPOINT etc. or CEPH=1\n');

describe.runIf(chromiumPath !== undefined).each(servers)('browser upload through %s', (name, start) => {
  test('upload with a presigned PUT, download with a presigned GET, same bytes', async () => {
    const store = await start();
    const { origin, server } = await startUploadPage(store.location, store.credentials);
    const browser = await launchChromium(chromiumPath!);
    try {
      const cors = await allowOrigin(store, origin, ['PUT', 'GET']);
      expect(cors.status, cors.body.toString('utf8')).toBe(200);
      const page = await browser.newPage({ viewport: { width: 900, height: 560 } });
      await page.goto(origin);
      expect(await page.evaluate('window.isSecureContext')).toBe(true);
      const file = randomPng();
      await page.setInputFiles('#file', { name: `pixels-${Date.now()}.png`, mimeType: 'image/png', buffer: file });
      await page.click('#upload');
      const handle = await page.waitForFunction('document.body.dataset.result', undefined, { timeout: 30_000 });
      const outcome = JSON.parse((await handle.jsonValue()) as string) as UploadOutcome;
      mkdirSync(artifacts, { recursive: true });
      await page.screenshot({ path: `${artifacts}browser-upload-${name}.png` });
      // Seen from Node, without CORS in the way, the store answers the changed upload with 403.
      const put = (await (
        await fetch(`${origin}/presign`, {
          method: 'POST',
          body: JSON.stringify({ op: 'put', key: 'x.png', contentType: 'image/png' }),
        })
      ).json()) as { url: string };
      expect(
        (await send(put.url, { method: 'PUT', headers: { 'content-type': 'text/plain' }, body: 'x' })).status,
      ).toBe(403);
      // The second PUT (text/plain) was refused: the download still has the image's type and bytes.
      expect(outcome.wrongTypeStatus).not.toBe(200);
      expect(outcome).toEqual({
        wrongTypeStatus: outcome.wrongTypeStatus,
        putStatus: 200,
        getStatus: 200,
        contentType: 'image/png',
        bytes: file.length,
        sameBytes: true,
      });
    } finally {
      await browser.close();
      server.close();
      await store.stop();
    }
  });
});
