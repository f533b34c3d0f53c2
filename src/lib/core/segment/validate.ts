/**
 * Placeholder types for the validator; the segment-engine work fills in validateDefinition.
 */
export interface ValidationError {
  /** Path of the condition in the tree, e.g. "root.children[2].children[0]". */
  path: string;
  /** Field, event type or segment concerned, when there is one. */
  field?: string;
  message: string;
}
