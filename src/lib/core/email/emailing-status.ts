/**
 * The emailing status machine: draft → scheduled → in_progress ⇄ paused → finished, plus
 * cancelled and failed. Which actions a status allows is decided here only, so the list, the
 * editor and the sender agree (a finished emailing is read-only everywhere).
 */

export type EmailingStatus =
  'draft' | 'scheduled' | 'in_progress' | 'paused' | 'finished' | 'cancelled' | 'failed';

export type EmailingAction =
  'edit' | 'schedule' | 'send' | 'reschedule' | 'pause' | 'resume' | 'cancel' | 'delete';

export const STATUS_LABELS: Record<EmailingStatus, string> = {
  draft: 'Draft',
  scheduled: 'Scheduled',
  in_progress: 'In progress',
  paused: 'Paused',
  finished: 'Finished',
  cancelled: 'Cancelled',
  failed: 'Failed'
};

const ACTIONS: Record<EmailingStatus, readonly EmailingAction[]> = {
  draft: ['edit', 'schedule', 'send', 'delete'],
  scheduled: ['edit', 'send', 'reschedule', 'cancel', 'delete'],
  in_progress: ['pause', 'cancel'],
  paused: ['edit', 'resume', 'cancel'],
  finished: [],
  cancelled: ['delete'],
  // A failed emailing keeps its ledger: resuming sends only what has no final state.
  failed: ['resume', 'cancel']
};

/** Where each action leads from the statuses that allow it. */
const TARGET: Record<EmailingAction, EmailingStatus | null> = {
  edit: null,
  schedule: 'scheduled',
  send: 'in_progress',
  reschedule: 'scheduled',
  pause: 'paused',
  resume: 'in_progress',
  cancel: 'cancelled',
  delete: null
};

export function allowedActions(status: EmailingStatus): readonly EmailingAction[] {
  return ACTIONS[status];
}

export function canDo(status: EmailingStatus, action: EmailingAction): boolean {
  return ACTIONS[status].includes(action);
}

/**
 * The status an action leads to (null for edit and delete, which keep or remove the row);
 * throws a message naming both when the status does not allow it.
 */
export function applyAction(status: EmailingStatus, action: EmailingAction): EmailingStatus | null {
  if (!canDo(status, action)) {
    throw new Error(`An emailing that is ${STATUS_LABELS[status].toLowerCase()} cannot ${action}.`);
  }
  return TARGET[action];
}

/** Transitions the sender makes by itself (not user actions). */
export function finishStatus(
  status: EmailingStatus,
  outcome: 'finished' | 'failed'
): EmailingStatus {
  if (status !== 'in_progress') {
    throw new Error(`Only an emailing in progress can become ${outcome} (this one is ${status}).`);
  }
  return outcome;
}
