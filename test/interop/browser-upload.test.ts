/**
 * A browser upload end to end, in headless Chromium: the page asks its server for a presigned
 * PUT (content-type signed), uploads the file with fetch straight to the S3-compatible store
 * (cross-origin, so through the bucket's CORS rules), downloads it through a presigned GET and
 * compares the bytes. Runs against s3rver, and against Ceph RGW when configured (always in CI).
 * A screenshot of each run goes to test-artifacts/.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { crc32, deflateSync } from 'node:zlib';
import { describe, expect, test } from 'vitest';
import { presign, s3Url } from '../../src/index.js';
import { launchChromium, requireChromium } from './browser/chromium.js';
import { startUploadPage, type UploadOutcome } from './browser/upload-page.js';
import { cephConfigured, send, startCeph, startS3rver, type S3TestServer } from '../support/s3-servers.js';

const chromiumPath = requireChromium();
const artifacts = fileURLToPath(new URL('../../test-artifacts/', import.meta.url));

/** A 16×16 RGB PNG of random colours: a real image file, different on every run. */
function randomPng(): Buffer {
  const side = 16;
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(side, 0);
  header.writeUInt32BE(side, 4);
  header.set([8, 2, 0, 0, 0], 8); // 8-bit RGB, no interlace
  const rows = Buffer.concat(Array.from({ length: side }, () => Buffer.concat([Buffer.of(0), randomBytes(side * 3)])));
  const signature = Buffer.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);
  return Buffer.concat([
    signature,
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows)),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Lets the page's origin PUT and GET in the bucket (PutBucketCors, presigned by the library). */
async function allowOrigin(server: S3TestServer, origin: string): Promise<void> {
  const xml =
    '<CORSConfiguration><CORSRule>' +
    `<AllowedOrigin>${origin}</AllowedOrigin><AllowedMethod>PUT</AllowedMethod><AllowedMethod>GET</AllowedMethod>` +
    '<AllowedHeader>*</AllowedHeader><ExposeHeader>ETag</ExposeHeader><MaxAgeSeconds>60</MaxAgeSeconds>' +
    '</CORSRule></CORSConfiguration>';
  const headers = { 'content-type': 'application/xml', 'content-md5': createHash('md5').update(xml).digest('base64') };
  const url = presign({
    method: 'PUT',
    url: `${s3Url(server.location)}?cors`,
    region: server.location.region,
    service: 's3',
    credentials: server.credentials,
    headers,
  });
  const response = await send(url, { method: 'PUT', headers, body: xml });
  expect(response.status, response.body.toString('utf8')).toBe(200);
}

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
      await allowOrigin(store, origin);
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
