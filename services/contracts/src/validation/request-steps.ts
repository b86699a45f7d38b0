/**
 * The legal order of a request's steps (Regulations on Open Government Information, 2019):
 * a request is received, may be sent back once for correction, is accepted, may wait on
 * third parties and be extended once, is replied to, served and archived — or withdrawn
 * (also how an uncorrected request ends) and archived.
 */
import type { RequestStep } from '../events/request-status-changed';

/** Steps allowed after each step; `START` is the state before the first step. */
export const REQUEST_STEP_TRANSITIONS: Readonly<Record<RequestStep | 'START', readonly RequestStep[]>> = Object.freeze({
  START: ['RECEIVED'],
  RECEIVED: ['CORRECTION_REQUESTED', 'ACCEPTED', 'REPLIED', 'WITHDRAWN'],
  CORRECTION_REQUESTED: ['CORRECTED', 'WITHDRAWN'],
  CORRECTED: ['ACCEPTED', 'REPLIED', 'WITHDRAWN'],
  ACCEPTED: ['THIRD_PARTY_CONSULTATION', 'EXTENDED', 'REPLIED', 'WITHDRAWN'],
  THIRD_PARTY_CONSULTATION: ['CONSULTATION_ENDED', 'WITHDRAWN'],
  CONSULTATION_ENDED: ['THIRD_PARTY_CONSULTATION', 'EXTENDED', 'REPLIED', 'WITHDRAWN'],
  EXTENDED: ['THIRD_PARTY_CONSULTATION', 'REPLIED', 'WITHDRAWN'],
  REPLIED: ['SERVED'],
  SERVED: ['ARCHIVED'],
  WITHDRAWN: ['ARCHIVED'],
  ARCHIVED: [],
  UNKNOWN: [],
});

/** The steps that may follow `previous` (null: the request has no step yet). */
export function allowedNextRequestSteps(previous: RequestStep | null): readonly RequestStep[] {
  return REQUEST_STEP_TRANSITIONS[previous ?? 'START'];
}

/** Whether `next` may follow `previous` (null: the request has no step yet). */
export function isRequestStepAllowed(previous: RequestStep | null, next: RequestStep): boolean {
  return allowedNextRequestSteps(previous).includes(next);
}

/** Where a request's history first breaks the legal order. */
export interface RequestHistoryProblem {
  /** Index of the offending step. */
  readonly index: number;
  readonly reason: string;
}

/**
 * Checks a whole history, which also catches what one transition cannot see: a reply may be
 * extended only once, however many consultations come between.
 */
export function findRequestHistoryProblem(steps: readonly RequestStep[]): RequestHistoryProblem | undefined {
  let previous: RequestStep | null = null;
  let extended = false;
  for (const [index, step] of steps.entries()) {
    if (!isRequestStepAllowed(previous, step)) {
      return { index, reason: `${step} may not follow ${previous ?? 'the start of a request'}` };
    }
    if (step === 'EXTENDED') {
      if (extended) return { index, reason: 'a reply may be extended only once' };
      extended = true;
    }
    previous = step;
  }
  return undefined;
}
