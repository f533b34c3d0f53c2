export type { DeliveryEvent, DeliveryKind } from './delivery-event';
export { DeliveryReport, type DeliveryFigures, type DeliveryReportPart } from './delivery-report';
export {
  mergeDeliveryExports,
  readDeliveryExport,
  readDeliveryExportPart,
  type DeliveryDay,
  type DeliveryExportPart,
  type DeliveryExportOptions,
  type DeliveryExportResult
} from './delivery-export';
export { isMachineUserAgent } from './machine-activity';
export {
  DELIVERY_PRESETS,
  detectPreset,
  parseEventTime,
  presetLabel,
  readDeliveryCells,
  readDeliveryRow,
  resolveColumns,
  type DeliveryPreset,
  type RowCells
} from './presets';
export {
  BOUNCE_HARD,
  BOUNCE_NONE,
  BOUNCE_SOFT,
  DELIVERY_KINDS,
  messageKey,
  toDeliveryColumns,
  type DeliveryColumns
} from './delivery-columns';
export { figuresOfColumns } from './columns-figures';
