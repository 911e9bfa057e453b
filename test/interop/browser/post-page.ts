/**
 * The browser POST demo: a page on http://localhost with a real HTML form whose hidden inputs are
 * a presigned POST's fields, the file input last, and the small server behind it that signs. The
 * form posts straight to the store (a navigation, so no CORS), which redirects the browser back to
 * `/done` with the bucket, key and ETag; `/done` shows the uploaded image through a presigned GET.
 * `/fetch` does the same with `fetch` and `FormData` (cross-origin, so through the bucket's CORS).
 */
import { createServer, type Server } from 'node:http';
import {
  presignGetObject,
  presignPost,
  type Credentials,
  type PresignedPost,
  type S3Location,
} from '../../../src/index.js';

const escape = (text: string) =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

const STYLE =
  '<style>body{font:15px system-ui,sans-serif;margin:2em}pre{background:#f4f4f4;padding:1em;white-space:pre-wrap}' +
  'img{width:128px;image-rendering:pixelated;border:1px solid #999}</style>';

function formPage(post: PresignedPost): string {
  const inputs = Object.entries(post.fields)
    .map(([name, value]) => `  <input type="hidden" name="${escape(name)}" value="${escape(value)}">`)
    .join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>sigv4-presign POST form</title>${STYLE}</head><body>
<h1>Upload with an HTML form (presigned POST)</h1>
<p>Images only, 1 byte to 1 MiB, under <code>browser/</code>; the policy expires at ${escape(post.expiresAt.toISOString())}.</p>
<form id="upload" action="${escape(post.url)}" method="post" enctype="multipart/form-data">
${inputs}
  <input type="hidden" name="Content-Type" id="type" value="image/png">
  <input type="file" name="file" id="file" accept="image/*">
  <button id="send">Upload</button>
</form>
<script>
document.getElementById('file').onchange = (e) => { document.getElementById('type').value = e.target.files[0]?.type || 'image/png'; };
</script>
</body></html>`;
}

function donePage(query: URLSearchParams, imageUrl: string): string {
  const shown = ['bucket', 'key', 'etag'].map((name) => `${name}: ${escape(query.get(name) ?? '')}`).join('\n');
  return `<!doctype html>
<html><head><meta charset="utf-8"><title>uploaded</title>${STYLE}</head><body>
<h1>Uploaded</h1>
<pre id="result">${shown}</pre>
<img id="preview" src="${escape(imageUrl)}" alt="the uploaded file, read back through a presigned GET">
</body></html>`;
}

const FETCH_PAGE = `<!doctype html>
<html><head><meta charset="utf-8"><title>sigv4-presign POST with fetch</title>${STYLE}</head><body>
<h1>Upload with fetch and FormData (presigned POST)</h1>
<p><input type="file" id="file"> <button id="upload">Upload</button></p>
<pre id="log"></pre>
<script type="module">
const log = (line) => (document.getElementById('log').textContent += line + '\\n');
document.getElementById('upload').onclick = async () => {
  const outcome = {};
  try {
    const file = document.getElementById('file').files[0];
    const post = await (await fetch('/presign-post', { method: 'POST' })).json();
    const form = new FormData();
    for (const [name, value] of Object.entries(post.fields)) form.append(name, value);
    form.append('Content-Type', file.type);
    form.append('file', file); // last
    const response = await fetch(post.url, { method: 'POST', body: form });
    outcome.status = response.status;
    const xml = await response.text();
    outcome.key = /<Key>([^<]*)<\\/Key>/.exec(xml)?.[1] ?? null;
    outcome.etag = response.headers.get('etag');
    log('POST ' + post.url + ': ' + response.status + ', key ' + outcome.key + ', ETag ' + outcome.etag);
  } catch (error) {
    outcome.error = String(error);
    log('error: ' + error);
  }
  document.body.dataset.result = JSON.stringify(outcome);
};
</script>
</body></html>`;

/** Options of the page's policies: where to send uploads, as what, and how the store answers. */
export interface PostPageOptions {
  readonly location: S3Location;
  readonly credentials: Credentials;
  /** The URL the form posts to, when not the bucket's own (a gateway at another path). */
  readonly action?: (post: PresignedPost) => string;
  /** Reads an object back for `/done` (default: a presigned GET on the location). */
  readonly readUrl?: (key: string) => string;
}

/** Starts the page's server on a free loopback port: `/` (the form), `/done`, `/fetch`, `/presign-post`. */
export async function startPostPage(options: PostPageOptions): Promise<{ origin: string; server: Server }> {
  const { location, credentials } = options;
  let origin = '';
  const sign = (extra: { successActionRedirect?: string; successActionStatus?: 201 }) => {
    const post = presignPost({
      ...location,
      credentials,
      keyPrefix: 'browser/',
      contentLengthRange: [1, 1_048_576],
      contentType: { startsWith: 'image/' },
      expiresIn: 300,
      ...extra,
    });
    return options.action === undefined ? post : { ...post, url: options.action(post) };
  };
  const readUrl = options.readUrl ?? ((key) => presignGetObject({ ...location, credentials, key }).url);
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', origin);
    const html = (body: string) => response.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(body);
    if (url.pathname === '/') return html(formPage(sign({ successActionRedirect: `${origin}/done` })));
    if (url.pathname === '/done') return html(donePage(url.searchParams, readUrl(url.searchParams.get('key') ?? '')));
    if (url.pathname === '/fetch') return html(FETCH_PAGE);
    if (url.pathname === '/presign-post' && request.method === 'POST') {
      const post = sign({ successActionStatus: 201 });
      response
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ url: post.url, fields: post.fields }));
      return;
    }
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  // localhost is another origin than the store's 127.0.0.1: the fetch page goes through CORS.
  origin = `http://localhost:${(server.address() as { port: number }).port}`;
  return { origin, server };
}
