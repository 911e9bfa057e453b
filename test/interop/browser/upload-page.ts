/**
 * The browser-upload demo: a page on http://localhost and the small server behind it that
 * presigns. The page uploads the chosen file with `fetch` straight to the S3-compatible store,
 * then downloads it through a presigned GET and compares the bytes. The server alone holds the
 * credentials; the page sees only presigned URLs and the headers it must send.
 */
import { createServer, type Server } from 'node:http';
import { presignGetObject, presignPutObject, type Credentials, type S3Location } from '../../../src/index.js';

/** What the page records on `document.body.dataset.result` when it is done. */
export interface UploadOutcome {
  readonly putStatus: number;
  /** The same presigned PUT sent again with another content-type and body (0: network error). */
  readonly wrongTypeStatus: number;
  readonly getStatus: number;
  readonly contentType: string | null;
  readonly bytes: number;
  readonly sameBytes: boolean;
  readonly error?: string;
}

const PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>sigv4-presign browser upload</title>
<style>body{font:15px system-ui,sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em}img{width:128px;image-rendering:pixelated;border:1px solid #999}</style>
</head><body>
<h1>Presigned upload from the browser</h1>
<p><input type="file" id="file"> <button id="upload">Upload</button></p>
<pre id="log"></pre>
<img id="preview" alt="downloaded file">
<script type="module">
const log = (line) => (document.getElementById('log').textContent += line + '\\n');
const ask = async (body) => (await fetch('/presign', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json();
document.getElementById('upload').onclick = async () => {
  const outcome = {};
  try {
    const file = document.getElementById('file').files[0];
    const key = 'uploads/' + file.name;
    const put = await ask({ op: 'put', key, contentType: file.type });
    log('signed headers: ' + new URL(put.url).searchParams.get('X-Amz-SignedHeaders'));
    const up = await fetch(put.url, { method: put.method, headers: put.headers, body: file });
    outcome.putStatus = up.status;
    log('PUT ' + key + ' (' + file.type + ', ' + file.size + ' bytes): ' + up.status);
    // The same URL with another type and body must change nothing. A store may answer the 403
    // without CORS headers, which fetch reports as a network error (status 0 here).
    const wrong = await fetch(put.url, { method: put.method, headers: { ...put.headers, 'content-type': 'text/plain' }, body: 'not the image' })
      .then((response) => response.status, () => 0);
    outcome.wrongTypeStatus = wrong;
    log('PUT again with content-type text/plain: ' + (wrong === 0 ? 'refused (no CORS headers on the error)' : wrong));
    const get = await ask({ op: 'get', key });
    const down = await fetch(get.url);
    outcome.getStatus = down.status;
    outcome.contentType = down.headers.get('content-type');
    const got = new Uint8Array(await down.arrayBuffer());
    const sent = new Uint8Array(await file.arrayBuffer());
    outcome.bytes = got.length;
    outcome.sameBytes = got.length === sent.length && got.every((byte, i) => byte === sent[i]);
    log('GET: ' + down.status + ', ' + got.length + ' bytes, ' + (outcome.sameBytes ? 'identical to the upload' : 'DIFFERENT from the upload'));
    document.getElementById('preview').src = URL.createObjectURL(new Blob([got], { type: outcome.contentType ?? '' }));
    await document.getElementById('preview').decode();
  } catch (error) {
    outcome.error = String(error);
    log('error: ' + error);
  }
  document.body.dataset.result = JSON.stringify(outcome);
};
</script>
</body></html>`;

/** Starts the page's server on a free loopback port; it presigns for `location` with `credentials`. */
export async function startUploadPage(
  location: S3Location,
  credentials: Credentials,
): Promise<{ origin: string; server: Server }> {
  const server = createServer((request, response) => {
    if (request.method === 'POST' && request.url === '/presign') {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk));
      request.on('end', () => {
        const { op, key, contentType } = JSON.parse(body) as { op: 'put' | 'get'; key: string; contentType?: string };
        const options = { ...location, key, credentials, expiresIn: 300 };
        const signed = op === 'put' ? presignPutObject({ ...options, contentType }) : presignGetObject(options);
        response.writeHead(200, { 'content-type': 'application/json' });
        response.end(JSON.stringify({ url: signed.url, method: signed.method, headers: signed.headers }));
      });
      return;
    }
    response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(PAGE);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // localhost is a secure context, and another origin than the store's 127.0.0.1: CORS applies.
  return { origin: `http://localhost:${(server.address() as { port: number }).port}`, server };
}
