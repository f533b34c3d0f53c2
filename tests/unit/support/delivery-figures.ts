/** The delivery figures of stored DeliveryColumns, counted by the report `slice report` uses. */
export { figuresOfColumns as figuresOf } from '$lib/core/analytics/columns-figures';
