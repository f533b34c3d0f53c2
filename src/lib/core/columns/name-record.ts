/**
 * Records keyed by names that come from files (field names, event property names): without a
 * prototype, so that a column called "__proto__" is a key like any other. On a plain `{}`,
 * `record["__proto__"] = value` sets the object's prototype instead, and the column's values
 * were silently lost.
 */
export function nameRecord<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}
