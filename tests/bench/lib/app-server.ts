/**
 * Serves the built app (build/) with scripts/serve.js for the Chromium benchmarks, the way a
 * plain static host would, and stops it when the run ends.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** 4399, or SLICE_BENCH_APP_PORT (two benchmark runs on one machine each need their own). */
export const APP_PORT = Number(process.env.SLICE_BENCH_APP_PORT) || 4399;

export interface AppServer {
  url: string;
  /** Folder of the built app being served. */
  dir: string;
  stop(): Promise<void>;
}

export class AppNotBuilt extends Error {}

/** The built app to serve: build/, or SLICE_BENCH_BUILD_DIR (e.g. a copy kept for benchmarks). */
export const BUILD_DIR = process.env.SLICE_BENCH_BUILD_DIR ?? 'build';

export async function startAppServer(port = APP_PORT): Promise<AppServer> {
  const dir = resolve(ROOT, BUILD_DIR);
  if (!existsSync(join(dir, 'index.html'))) {
    throw new AppNotBuilt(`${dir}/index.html is missing: run \`npm run build\` first`);
  }
  const child: ChildProcess = spawn(
    process.execPath,
    ['scripts/serve.js', '--port', String(port), '--dir', dir],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] }
  );
  const url = `http://localhost:${port}/`;
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serve.js exited: ${output.trim()}`);
    try {
      const res = await fetch(url);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill();
      throw new Error(`serve.js did not answer on ${url}: ${output.trim()}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url,
    dir,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      })
  };
}
