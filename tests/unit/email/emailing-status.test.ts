import { describe, expect, it } from 'vitest';
import {
  allowedActions,
  applyAction,
  canDo,
  finishStatus,
  type EmailingStatus
} from '$lib/core/email/emailing-status';

describe('emailing status machine', () => {
  it('allows edit in draft, scheduled and paused only', () => {
    const all: EmailingStatus[] = [
      'draft',
      'scheduled',
      'in_progress',
      'paused',
      'finished',
      'cancelled',
      'failed'
    ];
    expect(all.filter((s) => canDo(s, 'edit'))).toEqual(['draft', 'scheduled', 'paused']);
  });

  it('lets a scheduled emailing be deleted or rescheduled', () => {
    expect(allowedActions('scheduled')).toEqual(
      expect.arrayContaining(['delete', 'reschedule', 'cancel'])
    );
    expect(applyAction('scheduled', 'reschedule')).toBe('scheduled');
  });

  it('goes draft → scheduled → in progress ⇄ paused', () => {
    let s: EmailingStatus = 'draft';
    s = applyAction(s, 'schedule') as EmailingStatus;
    expect(s).toBe('scheduled');
    s = applyAction(s, 'send') as EmailingStatus;
    expect(s).toBe('in_progress');
    s = applyAction(s, 'pause') as EmailingStatus;
    expect(s).toBe('paused');
    s = applyAction(s, 'resume') as EmailingStatus;
    expect(s).toBe('in_progress');
    expect(finishStatus(s, 'finished')).toBe('finished');
  });

  it('makes a finished emailing read-only', () => {
    expect(allowedActions('finished')).toEqual([]);
    expect(() => applyAction('finished', 'edit')).toThrow(
      'An emailing that is finished cannot edit.'
    );
    expect(() => finishStatus('paused', 'finished')).toThrow(/Only an emailing in progress/);
  });

  it('cancels from scheduled, in progress and paused, not from draft', () => {
    for (const s of ['scheduled', 'in_progress', 'paused'] as const) {
      expect(applyAction(s, 'cancel')).toBe('cancelled');
    }
    expect(canDo('draft', 'cancel')).toBe(false);
    expect(canDo('in_progress', 'edit')).toBe(false);
  });
});
