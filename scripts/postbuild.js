#!/usr/bin/env node
// SvelteKit's hash-routed static build still loads /_app/... by absolute URL (sveltejs/kit #9569),
// and registers its service worker as /service-worker.js, which breaks hosting under a sub-path.
// Rewrite those URLs to ./_app/... and ./service-worker.js and, since the inline boot script
// changes, recompute its hash in the Content-Security-Policy meta tag.
import { readFileSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';

const path = 'build/index.html';
let html = readFileSync(path, 'utf8');
html = html
  .replaceAll('"/_app/', '"./_app/')
  .replaceAll("'/_app/", "'./_app/")
  .replaceAll("'/service-worker.js'", "'./service-worker.js'")
  .replace(/(href|src)="\/(?!\/)/g, '$1="./');

const scripts = [...html.matchAll(/<script>([\s\S]*?)<\/script>/g)].map((m) => m[1]);
const hashes = scripts.map((s) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`);
html = html.replace(
  /(<meta http-equiv="content-security-policy" content="[^"]*script-src )([^;"]*)/,
  (_all, head, list) =>
    head +
    list
      .split(' ')
      .filter((t) => !t.startsWith("'sha256-"))
      .concat(hashes)
      .join(' ')
);
writeFileSync(path, html);
console.log(`postbuild: relative asset URLs, ${hashes.length} inline script hash(es) in the CSP`);
