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
    csp: {
      mode: 'hash',
      directives: {
        'default-src': ['self'],
        'script-src': ['self'],
        'style-src': ['self', 'unsafe-inline'],
        'img-src': ['self', 'data:', 'blob:'],
        'worker-src': ['self', 'blob:'],
        // Connections go to this origin and the relay origins of the build, nothing wider.
        'connect-src': [
          'self',
          ...(relayOrigins.length
            ? relayOrigins
            : /** @type {const} */ (['http://localhost:*', 'http://127.0.0.1:*']))
        ],
        'frame-src': ['self', 'blob:'],
        'object-src': ['none'],
        'base-uri': ['self']
      }
    }
  }
};

export default config;
