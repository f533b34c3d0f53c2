import { foldText } from '$lib/core/text/fold';

/**
 * Saves a Blob as a file the browser downloads, through a temporary object URL.
 * Nothing leaves the machine: the data is already in the page.
 */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  a.style.display = 'none';
  document.body.append(a);
  a.click();
  a.remove();
  // Revoking at once can cancel the download in some browsers; give it a moment.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function downloadText(text: string, fileName: string, type = 'text/csv'): void {
  downloadBlob(new Blob([text], { type: `${type};charset=utf-8` }), fileName);
}

/**
 * A file-name-safe form of a user-given name: `Été 2026!` -> `ete-2026`, `Straße` -> `strasse`.
 * The text is folded as search and segments fold it (compatibility forms such as `ﬁ` or `²`
 * first reduced to plain letters and digits), then whatever is not a-z or 0-9 becomes `-`.
 */
export function slugify(name: string): string {
  const slug = foldText(name.normalize('NFKC'))
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'campaign';
}

export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
