/**
 * utf8-check: the hand-written UTF-8 validation of detect-encoding.ts (isValidUtf8) over the
 * bytes of the contacts file, beside the platform's `TextDecoder('utf-8', { fatal: true })`
 * in streaming mode (which, like isValidUtf8, accepts a sequence cut by the end of the bytes).
 * Both must give the same answer; the faster and simpler one stays in the code.
 */
import { readFile } from 'node:fs/promises';
import { isValidUtf8 } from '../../../src/lib/core/csv/detect-encoding';
import { result, timeRuns } from '../lib/timing';
import type { Benchmark } from '../lib/types';

function decoderSaysValid(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    return true;
  } catch {
    return false;
  }
}

export const benchmark: Benchmark = {
  name: 'utf8-check',
  kind: 'node',
  order: 90,
  async run(ctx) {
    const data = await ctx.data();
    const bytes = new Uint8Array(await readFile(data.contactsPath));
    const mine = isValidUtf8(bytes);
    const theirs = decoderSaysValid(bytes);
    if (mine !== theirs) throw new Error(`isValidUtf8 says ${mine}, TextDecoder says ${theirs}`);
    const t = await timeRuns(() => isValidUtf8(bytes), { runs: 5 });
    const p = await timeRuns(() => decoderSaysValid(bytes), { runs: 5 });
    ctx.log(`utf8-check: ${bytes.length} bytes, valid=${mine}`);
    return result(
      'utf8-check',
      data.rows,
      t,
      { bytes: bytes.length, mb_per_s: Math.round(bytes.length / 1e6 / (t.median / 1000)) },
      { name: 'TextDecoder fatal', timings: p }
    );
  }
};
