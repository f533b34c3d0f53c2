import adapter from '@sveltejs/adapter-static';
import { vitePreprocess } from '@sveltejs/vite-plugin-svelte';

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
        // The relay URL is configured by the user; connections go to this origin or http(s) relays.
        'connect-src': ['self', 'http://localhost:*', 'http://127.0.0.1:*', 'https:'],
        'frame-src': ['self', 'blob:'],
        'object-src': ['none'],
        'base-uri': ['self']
      }
    }
  }
};

export default config;
