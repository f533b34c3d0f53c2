import { foldText } from './fold';

/**
 * A file-name-safe form of a user-given name: `Été 2026!` -> `ete-2026`, `Straße` -> `strasse`.
 * The text is folded as search and segments fold it (compatibility forms such as `ﬁ` or `²`
 * first reduced to plain letters and digits), then whatever is not a-z or 0-9 becomes `-`.
 */
export function slugify(name: string, fallback = 'campaign'): string {
  const slug = foldText(name.normalize('NFKC'))
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || fallback;
}
