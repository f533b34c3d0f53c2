/**
 * A second copy of the plain static host (scripts/serve.js) that a spec starts and stops
 * itself, on a free port: stopping it is the network really gone (Chromium's offline
 * emulation does not reach a service worker's own fetches), and serving a copy of the build
 * lets a spec publish a "new version" of the app under the same address.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('../../../', import.meta.url));

export interface StaticServer {
  /** The app's address, ending in /slice/app/. */
  url: string;
  dir: string;
  stop(): Promise<void>;
  /** Starts serving `dir` again on the same port. */
  start(): Promise<void>;
}

/** A copy of build/ in a fresh temporary folder. */
export function copyOfBuild(): string {
  const dir = join(mkdtempSync(join(tmpdir(), 'slice-build-')), 'build');
  cpSync(join(repo, 'build'), dir, { recursive: true });
  return dir;
}

function serve(dir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(
    process.execPath,
    ['scripts/serve.js', '--port', String(port), '--base', '/slice/app/', '--dir', dir],
    { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'] }
  );
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const m = /served at (http:\/\/\S+)/.exec(out);
      if (m) resolve({ child, url: m[1] });
    });
    child.once('exit', (code) => reject(new Error(`serve.js exited with ${code}: ${out}`)));
  });
}

export async function startStaticServer(dir: string): Promise<StaticServer> {
  const first = await serve(dir, 0);
  const url = first.url;
  let child = first.child;
  const port = Number(new URL(url).port);
  const server: StaticServer = {
    url,
    dir,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill();
      await exited;
    },
    async start() {
      ({ child } = await serve(dir, port));
    }
  };
  return server;
}
