/**
 * The error of a definition that does not validate, thrown by the evaluator and the SQL export
 * alike, with the validator's errors (each naming the condition by its path).
 */
import type { ValidationError } from './validate';

export class InvalidDefinitionError extends Error {
  readonly errors: ValidationError[];
  constructor(errors: ValidationError[]) {
    super(`Invalid segment definition: ${errors.map((e) => `${e.path}: ${e.message}`).join('; ')}`);
    this.name = 'InvalidDefinitionError';
    this.errors = errors;
  }
}
