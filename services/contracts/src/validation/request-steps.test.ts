import { REQUEST_STEPS, type RequestStep } from '../events/request-status-changed';
import { allowedNextRequestSteps, findRequestHistoryProblem, isRequestStepAllowed } from './request-steps';

describe('order of request steps', () => {
  it('starts with receipt only', () => {
    expect(isRequestStepAllowed(null, 'RECEIVED')).toBe(true);
    expect(isRequestStepAllowed(null, 'ACCEPTED')).toBe(false);
    expect(isRequestStepAllowed(null, 'REPLIED')).toBe(false);
  });

  it('follows the regulation’s paths', () => {
    const paths: RequestStep[][] = [
      ['RECEIVED', 'ACCEPTED', 'REPLIED', 'SERVED', 'ARCHIVED'],
      ['RECEIVED', 'CORRECTION_REQUESTED', 'CORRECTED', 'ACCEPTED', 'EXTENDED', 'REPLIED', 'SERVED', 'ARCHIVED'],
      ['RECEIVED', 'ACCEPTED', 'THIRD_PARTY_CONSULTATION', 'CONSULTATION_ENDED', 'EXTENDED', 'THIRD_PARTY_CONSULTATION', 'CONSULTATION_ENDED', 'REPLIED', 'SERVED', 'ARCHIVED'],
      ['RECEIVED', 'CORRECTION_REQUESTED', 'WITHDRAWN', 'ARCHIVED'],
      ['RECEIVED', 'REPLIED', 'SERVED', 'ARCHIVED'],
    ];
    for (const steps of paths) expect(findRequestHistoryProblem(steps)).toBeUndefined();
  });

  it('refuses near misses', () => {
    expect(isRequestStepAllowed('ACCEPTED', 'SERVED')).toBe(false); // served before a reply
    expect(isRequestStepAllowed('REPLIED', 'WITHDRAWN')).toBe(false); // withdrawn after the reply
    expect(isRequestStepAllowed('CORRECTED', 'CORRECTION_REQUESTED')).toBe(false); // correction asked once (一次性告知)
    expect(isRequestStepAllowed('THIRD_PARTY_CONSULTATION', 'REPLIED')).toBe(false); // reply while consultation open
    expect(isRequestStepAllowed('REPLIED', 'ARCHIVED')).toBe(false); // archived before served
  });

  it('closes a request once archived, and never allows UNKNOWN', () => {
    expect(allowedNextRequestSteps('ARCHIVED')).toEqual([]);
    for (const previous of [null, ...REQUEST_STEPS]) expect(isRequestStepAllowed(previous, 'UNKNOWN')).toBe(false);
  });

  it('allows one extension only, however many consultations between', () => {
    expect(findRequestHistoryProblem(['RECEIVED', 'ACCEPTED', 'EXTENDED', 'THIRD_PARTY_CONSULTATION', 'CONSULTATION_ENDED', 'EXTENDED'])).toEqual({
      index: 5,
      reason: 'a reply may be extended only once',
    });
  });

  it('points at the first step out of order', () => {
    expect(findRequestHistoryProblem(['RECEIVED', 'REPLIED', 'ARCHIVED'])).toEqual({ index: 2, reason: 'ARCHIVED may not follow REPLIED' });
    expect(findRequestHistoryProblem(['ACCEPTED'])?.index).toBe(0);
  });
});
