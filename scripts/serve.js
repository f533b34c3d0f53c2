#!/usr/bin/env node
// Serves the built app as a plain static host would: files only, no rewrites, optional sub-path,
// and the security headers README "Hosting" asks a host to send.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { extname, join, normalize, resolve } from 'node:path';

const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const port = Number(opt('port', process.env.PORT ?? 4173));
let base = opt('base', '/');
if (!base.endsWith('/')) base += '/';
const root = resolve(opt('dir', 'build'));

const types = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.woff2': 'font/woff2'
};

/**
 * The policy of the built page's <meta> tag (so the two never differ), plus what only a header
 * can say: no other site may frame the app. Sent with every file, so the engine's worker and
 * the service worker, which a page's meta tag does not cover, are bound by it too.
 */
function headerPolicy(indexHtml) {
  const meta = /<meta http-equiv="content-security-policy" content="([^"]*)"/.exec(indexHtml);
  if (!meta) throw new Error('build/index.html has no Content-Security-Policy meta tag.');
  return `${meta[1].replaceAll('&#39;', "'").replaceAll('&quot;', '"')}; frame-ancestors 'none'`;
}

const securityHeaders = {
  'content-security-policy': headerPolicy(readFileSync(join(root, 'index.html'), 'utf8')),
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer'
};

const server = createServer(async (req, res) => {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (!url.pathname.startsWith(base)) {
    res.writeHead(404).end('Not found');
    return;
  }
  let rel = decodeURIComponent(url.pathname.slice(base.length));
  if (rel === '' || rel.endsWith('/')) rel += 'index.html';
  const file = normalize(join(root, rel));
  if (!file.startsWith(root)) {
    res.writeHead(403).end('Forbidden');
    return;
  }
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a file');
    const body = await readFile(file);
    res.writeHead(200, {
      ...securityHeaders,
      'content-type': types[extname(file)] ?? 'application/octet-stream',
      'cache-control': rel.startsWith('_app/immutable/') ? 'max-age=31536000' : 'no-cache'
    });
    res.end(body);
  } catch {
    res.writeHead(404).end('Not found');
  }
});

server.listen(port, 'localhost', () => {
  const address = server.address();
  const actual = typeof address === 'object' && address ? address.port : port;
  console.log(`Slice is served at http://localhost:${actual}${base}`);
});
