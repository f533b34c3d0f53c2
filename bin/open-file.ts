/**
 * Opens a file for the command line as a Blob (the same input the worker gets from a File),
 * with an error that names the file rather than Node's "Unable to open file as blob".
 */
import { openAsBlob, statSync } from 'node:fs';

export async function openFile(path: string): Promise<Blob> {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) throw new Error(`cannot read '${path}': no such file`);
  if (!stat.isFile()) throw new Error(`cannot read '${path}': not a file`);
  return openAsBlob(path);
}
