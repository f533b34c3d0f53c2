/**
 * What the reference relay left in its outbox for one emailing: the `.eml` files, each
 * message's recipient (its `To:` header) and whether any merge tag was left unmerged.
 */
import { open, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface OutboxContents {
  files: number;
  recipients: number;
  /** Recipients found in more than one file (first few). */
  duplicates: string[];
  /** Files with no To: header, or with `{{` left in their first bytes (first few). */
  malformed: string[];
}

// Headers and the text part come first; 16 KB holds them for these messages.
const HEAD_BYTES = 16_384;

async function head(path: string): Promise<string> {
  const file = await open(path, 'r');
  try {
    const buf = Buffer.alloc(HEAD_BYTES);
    const { bytesRead } = await file.read(buf, 0, HEAD_BYTES, 0);
    return buf.subarray(0, bytesRead).toString('latin1');
  } finally {
    await file.close();
  }
}

export async function readOutbox(folder: string): Promise<OutboxContents> {
  const names = (await readdir(folder)).filter((n) => n.endsWith('.eml'));
  const seen = new Set<string>();
  const duplicates: string[] = [];
  const malformed: string[] = [];
  let next = 0;
  const worker = async () => {
    while (next < names.length) {
      const name = names[next++];
      const text = await head(join(folder, name));
      const to = /^To: (?:.*<)?([^<>\s]+@[^<>\s]+)>?\s*$/im.exec(text)?.[1]?.toLowerCase();
      if (!to || text.includes('{{')) {
        if (malformed.length < 5) malformed.push(name);
        continue;
      }
      if (seen.has(to)) {
        if (duplicates.length < 5) duplicates.push(to);
      } else seen.add(to);
    }
  };
  await Promise.all(Array.from({ length: 32 }, worker));
  return { files: names.length, recipients: seen.size, duplicates, malformed };
}
