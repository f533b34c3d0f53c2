/**
 * Resident memory of the renderer processes of one Chromium (the one started on `profileDir`),
 * read from /proc. The engine worker runs in the page's renderer process, so the largest
 * renderer's RSS bounds the worker's memory (page included). Linux only; null elsewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';

interface Proc {
  pid: number;
  ppid: number;
  cmd: string;
  rssKb: number;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmd = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/PPid:\s+(\d+)/.exec(status)?.[1] ?? 0);
      const rssKb = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0);
      out.push({ pid: Number(entry), ppid, cmd, rssKb });
    } catch {
      // The process ended while we read it.
    }
  }
  return out;
}

export function largestRendererRssMb(profileDir: string): number | null {
  let all: Proc[];
  try {
    all = processes();
  } catch {
    return null;
  }
  const byPid = new Map(all.map((p) => [p.pid, p]));
  const browsers = new Set(
    all.filter((p) => p.cmd.includes(profileDir) && !p.cmd.includes('--type=')).map((p) => p.pid)
  );
  const fromThisBrowser = (p: Proc): boolean => {
    for (let q: Proc | undefined = p; q; q = byPid.get(q.ppid)) {
      if (browsers.has(q.pid)) return true;
      if (q.ppid === 0 || q.ppid === q.pid) break;
    }
    return false;
  };
  const rss = all
    .filter((p) => p.cmd.includes('--type=renderer') && fromThisBrowser(p))
    .map((p) => p.rssKb / 1024);
  return rss.length ? Math.round(Math.max(...rss)) : null;
}
