import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

// Relay origins the page may connect to, fixed at build time (default: the local reference
// relay on any port). The engine checks relay URLs against the same list
// (src/lib/core/email/relay-origins.ts), since a worker is not bound by the page's meta CSP.
// Typed loosely: kit's CSP source type lists schemes and keywords, not arbitrary origins.
const relayOrigins = /** @type {any[]} */ (
  (process.env.SLICE_RELAY_ORIGINS ?? '').split(/[\s,]+/).filter(Boolean)
);

/** @type {import('@sveltejs/kit').Config} */
const config = {
  preprocess: vitePreprocess(),
  kit: {
    // Hash routing: the built folder works on any static host, under any path, with no rewrites.
    router: { type: 'hash' },
    adapter: adapter({ pages: 'build', assets: 'build', fallback: undefined, strict: true }),
    // The page's policy, as a <meta> tag; scripts/serve.js sends the same policy as a header,
    // with frame-ancestors (which a meta tag cannot carry) — see README "Hosting". Every
    // directive is as narrow as the app allows, checked in Chromium by tests/e2e/csp.spec.ts,
    // which fails on any securitypolicyviolation through a whole session.
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        // The app's own files and SvelteKit's inline boot script (by hash); no eval.
        'script-src': ['self'],
        // Style sheets only from this origin: no <style> element can be injected. Svelte sets
        // style attributes (widths of bars and grid cells), so attributes stay allowed.
        'style-src': ['self'],
        'style-src-elem': ['self'],
        'style-src-attr': ['unsafe-inline'],
        'img-src': ['self'],
        // The engine's Web Worker and the offline service worker, both files of this app.
        'worker-src': ['self'],
        // Connections go to this origin and the relay origins of the build, nothing wider.
        'connect-src': [
          'self',
          ...(relayOrigins.length
            ? relayOrigins
            : /** @type {const} */ (['http://localhost:*', 'http://127.0.0.1:*']))
        ],
        // The email preview is an <iframe srcdoc sandbox>: Chromium loads about:srcdoc without
        // consulting frame-src, so no frame source is needed at all.
        'frame-src': ['none'],
        'object-src': ['none'],
        'base-uri': ['self'],
        // Every form is handled by script; none is ever submitted to a server.
        'form-action': ['none'],
        'manifest-src': ['self']
      }
    }
  }
};

export default config;
