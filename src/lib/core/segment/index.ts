/**
 * The segment engine's public API: validation, evaluation to bitsets, SQL export, and the
 * text/date/sample helpers the UI and the command line share with it.
 */
export type * from './definition';
export { validateDefinition, segmentReferences } from './validate';
export type { ValidationError, SegmentSchema } from './validate';
export {
  evaluateDefinition,
  EvaluationCancelled,
  type EvalContext,
  type EvalData
} from './evaluate';
export { InvalidDefinitionError } from './invalid-definition';
export { EvalCache, canonicalJson, type EvalCacheOptions } from './eval-cache';
export { toSql, quoteIdent, quoteLiteral, type SqlDialect, type SqlOptions } from './to-sql';
export { foldText, trimText, isBlank, TRIM_CHARS } from '../text/fold';
export { compilePattern, parsePattern, type ParsedPattern } from './text';
export { md5Hex, md5Prefix32 } from './md5';
export { sampleBucket, sampleHash, identityText } from './sample';
export {
  ZoneClock,
  zoneClock,
  isValidTimeZone,
  runtimeTimeZone,
  canonicalTimeZone,
  timeZoneProblem,
  parseIsoDay,
  formatIsoDay,
  ageOn,
  DAY_MS
} from './dates';
export {
  TEXT_RULES,
  NUMBER_RULES,
  DATE_RULES,
  BOOLEAN_RULES,
  rulesForType,
  typeFamily,
  type TypeFamily
} from './rules';
