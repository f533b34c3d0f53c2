/**
 * Benchmark runner: `npm run bench` (1,000,000 contacts), `npm run bench -- --quick`
 * (100,000), `--only NAME` (one benchmark; repeatable or comma-separated).
 * Discovers every module in tests/bench/benchmarks/, runs each on its own (one that cannot
 * run yet reports `skipped: reason`), prints a table and writes the results file in the
 * BENCHMARKS.md format: results/latest.json for full runs, results/quick.json with --quick.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statfsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ensureBenchData, type BenchData, type BenchSize } from './bench-data';
import { startAppServer, type AppServer } from './lib/app-server';
import { CHROMIUM_PATH } from './lib/chromium';
import {
  isSkipped,
  SkipBenchmark,
  type BenchContext,
  type BenchOutcome,
  type Benchmark
} from './lib/types';

interface Args {
  quick: boolean;
  only: string[];
}

function parseArgs(argv: string[]): Args {
  const args: Args = { quick: false, only: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--only') args.only.push(...(argv[++i] ?? '').split(',').filter(Boolean));
    else if (a.startsWith('--only=')) args.only.push(...a.slice(7).split(',').filter(Boolean));
    else throw new Error(`Unknown argument "${a}". Use --quick and/or --only NAME.`);
  }
  return args;
}

async function discover(): Promise<Benchmark[]> {
  const dir = fileURLToPath(new URL('./benchmarks/', import.meta.url));
  const found: Benchmark[] = [];
  for (const file of readdirSync(dir).sort()) {
    if (!file.endsWith('.ts')) continue;
    const mod = (await import(pathToFileURL(dir + file).href)) as { benchmark?: Benchmark };
    if (!mod.benchmark) throw new Error(`${file} does not export \`benchmark\``);
    found.push(mod.benchmark);
  }
  return found.sort((a, b) => (a.order ?? 100) - (b.order ?? 100) || a.name.localeCompare(b.name));
}

function chromiumVersion(): string {
  try {
    const out = execFileSync(CHROMIUM_PATH, ['--version'], { encoding: 'utf8', stdio: 'pipe' });
    return out.match(/Chromium [\d.]+|Chrome [\d.]+|[\d.]+/)?.[0] ?? out.trim();
  } catch {
    return 'chromium unavailable';
  }
}

/** Where the benchmark browser profiles live: on disk, never tmpfs (IndexedDB would be RAM). */
function profileStorage(): string {
  const dir = tmpdir();
  const TMPFS_MAGIC = 0x01021994;
  try {
    return `${dir} (${statfsSync(dir).type === TMPFS_MAGIC ? 'tmpfs' : 'on disk'})`;
  } catch {
    return `${dir} (file system unknown)`;
  }
}

function machine(): string {
  const cpu = cpus();
  const gib = totalmem() / 2 ** 30;
  return `${cpu.length} cores (${cpu[0]?.model.trim() ?? 'unknown cpu'}), ${gib.toFixed(0)} GiB, ${chromiumVersion()}, Node ${process.versions.node}, Chromium profiles in ${profileStorage()}`;
}

function formatRow(o: BenchOutcome): string[] {
  if (isSkipped(o)) return [o.name, '', '', '', '', '', '', `skipped: ${o.skipped}`];
  const ratio = o.peer ? (o.median_ms / o.peer.median_ms).toFixed(2) + 'x' : '';
  const known = new Set(['name', 'rows', 'runs', 'median_ms', 'min_ms', 'max_ms', 'peer', 'peers']);
  const peers = (o.peers ?? []).map(
    (p) => `${p.name}${p.sql ? `/${p.sql}` : ''}=${p.median_ms.toFixed(1)}`
  );
  const extras = [
    ...peers,
    ...Object.entries(o)
      .filter(([k, v]) => !known.has(k) && v !== undefined)
      .map(([k, v]) => `${k}=${v}`)
  ].join(' ');
  return [
    o.name,
    o.rows.toLocaleString('en-US'),
    String(o.runs),
    o.median_ms.toFixed(1),
    `${o.min_ms.toFixed(1)}–${o.max_ms.toFixed(1)}`,
    o.peer
      ? `${o.peer.name}${o.peer.sql ? `/${o.peer.sql}` : ''} ${o.peer.median_ms.toFixed(1)}`
      : '',
    ratio,
    extras
  ];
}

function printTable(outcomes: BenchOutcome[]): void {
  const head = ['name', 'rows', 'runs', 'median ms', 'min–max ms', 'peer ms', 'us/peer', 'notes'];
  const rows = [head, ...outcomes.map(formatRow)];
  const widths = head.map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  const line = (r: string[]) =>
    r.map((cell, c) => (c === 0 || c === 7 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])));
  console.log('');
  console.log(line(rows[0]).join('  ').trimEnd());
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of rows.slice(1)) console.log(line(r).join('  ').trimEnd());
  console.log('');
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const all = await discover();
  const unknown = args.only.filter((n) => !all.some((b) => b.name === n));
  if (unknown.length > 0) {
    console.error(
      `No benchmark named ${unknown.join(', ')}. Known: ${all.map((b) => b.name).join(', ')}`
    );
    process.exit(2);
  }
  const chosen = args.only.length > 0 ? all.filter((b) => args.only.includes(b.name)) : all;
  const size: BenchSize = args.quick ? '100k' : '1m';
  const log = (line: string) => console.log(`  ${line}`);

  // Started on first use, shared by the benchmarks of this run.
  const shared: { data?: Promise<BenchData>; server?: Promise<AppServer> } = {};
  const ctx: BenchContext = {
    quick: args.quick,
    rows: args.quick ? 100_000 : 1_000_000,
    data: () => (shared.data ??= ensureBenchData(size, log)),
    app: () => (shared.server ??= startAppServer()),
    log
  };

  const outcomes: BenchOutcome[] = [];
  try {
    for (const bench of chosen) {
      console.log(`${bench.name} (${bench.kind})`);
      const t0 = performance.now();
      let outcome: BenchOutcome;
      try {
        outcome = await bench.run(ctx);
      } catch (error) {
        // First line only: Playwright's messages go on with call logs.
        const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
        // One benchmark's failure is reported, not allowed to stop the others.
        outcome = {
          name: bench.name,
          skipped: error instanceof SkipBenchmark ? message : `failed: ${message}`
        };
        if (!(error instanceof SkipBenchmark) && error instanceof Error)
          log(error.stack ?? message);
      }
      outcomes.push(outcome);
      // Written after each benchmark: a run that dies later (out of memory, killed) keeps what
      // it measured.
      await writeResults(args, outcomes, true);
      const seconds = ((performance.now() - t0) / 1000).toFixed(1);
      log(
        isSkipped(outcome)
          ? `skipped: ${outcome.skipped}`
          : `median ${outcome.median_ms} ms (${seconds} s in all)`
      );
    }
  } finally {
    if (shared.server) await (await shared.server.catch(() => null))?.stop();
  }

  printTable(outcomes);

  await writeResults(args, outcomes, false);
}

/**
 * Writes the results file. A partial run (--only, or a run still going) updates its own
 * entries and keeps the others; a finished full run writes exactly its own.
 */
async function writeResults(
  args: { quick: boolean; only: string[] },
  outcomes: BenchOutcome[],
  partial: boolean
): Promise<void> {
  const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
  const file = `${resultsDir}${args.quick ? 'quick' : 'latest'}.json`;
  let results = outcomes;
  if ((partial || args.only.length > 0) && existsSync(file)) {
    const previous = JSON.parse(readFileSync(file, 'utf8')) as { results: BenchOutcome[] };
    const names = new Set(outcomes.map((o) => o.name));
    results = [...previous.results.filter((r) => !names.has(r.name)), ...outcomes];
  }
  const report = { date: new Date().toISOString(), machine: machine(), results };
  await mkdir(resultsDir, { recursive: true });
  await writeFile(file, JSON.stringify(report, null, 2) + '\n');
  if (!partial) console.log(`wrote ${file.slice(file.indexOf('tests/bench/'))}`);
}

await main();
