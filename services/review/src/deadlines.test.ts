import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import type { RequestStep } from '@gongkai/contracts';
import {
  formationDateOf,
  isPastDue,
  isRequestOverdue,
  proactiveDueDates,
  requestDeadline,
  requestStepsFromEvents,
  validateChannelLimits,
} from './deadlines';
import { CalendarYearMissingError, InvalidConfigError, RequestHistoryError } from './errors';
import { WorkingCalendar } from './working-calendar';

const calendar = WorkingCalendar.fromDirectory();
const steps = (...pairs: [RequestStep, string][]) => pairs.map(([step, on]) => ({ step, on }));

describe('proactive items', () => {
  const limits = validateChannelLimits({ 'document.published': { website: 5, newmedia: 3, kiosk: 30 } });

  it('are due 20 working days after formation, or sooner where a channel limit says so', () => {
    expect(proactiveDueDates({ type: 'document.published', formedOn: '2025-06-26' }, ['website', 'newmedia', 'kiosk'], limits, calendar)).toEqual([
      { channel: 'website', dueOn: '2025-07-03', workingDays: 5, basis: 'configured' },
      { channel: 'newmedia', dueOn: '2025-07-01', workingDays: 3, basis: 'configured' },
      // A limit longer than the statutory 20 never wins.
      { channel: 'kiosk', dueOn: '2025-07-24', workingDays: 20, basis: 'statutory' },
    ]);
  });

  it('use the limits of their own type only', () => {
    expect(proactiveDueDates({ type: 'interpretation.published', formedOn: '2025-06-26' }, ['newmedia'], limits, calendar)).toEqual([
      { channel: 'newmedia', dueOn: '2025-07-24', workingDays: 20, basis: 'statutory' },
    ]);
  });

  it('count across the National Day break', () => {
    // Sep 29, 30 are 1–2; Oct 1–8 off; Oct 9, 10 are 3–4; Saturday Oct 11 (make-up) is 5.
    expect(proactiveDueDates({ type: 'document.published', formedOn: '2025-09-28' }, ['website'], limits, calendar)[0]!.dueOn).toBe('2025-10-11');
  });

  it('count from the formation date of a document, and the China date of publication otherwise', () => {
    const events = sampleEvents();
    expect(formationDateOf({ type: 'document.published', data: events['document.published'] })).toBe('2025-06-26');
    const interpretation = events['interpretation.published'];
    interpretation.publishedAt = new Date('2025-06-27T00:30:00+08:00'); // still June 26 in UTC
    expect(formationDateOf({ type: 'interpretation.published', data: interpretation })).toBe('2025-06-27');
  });

  it('are late only after their due date', () => {
    expect(isPastDue('2025-07-03', '2025-07-03')).toBe(false);
    expect(isPastDue('2025-07-03', '2025-07-04')).toBe(true);
  });

  it.each([
    [{ 'document.published': { website: 0 } }, 'limits.document.published.website: must be a whole number of working days from 1, got 0'],
    [{ 'document.published': { website: 2.5 } }, 'got 2.5'],
    [{ 'document.published': { wechat: 3 } }, 'limits.document.published.wechat: is not a channel'],
    [{ 'request.status_changed': { provincial: 3 } }, 'limits.request.status_changed: publishing limits are for'],
    [[], 'limits: must map event types'],
  ])('reject bad limits %#', (config, message) => {
    expect(() => validateChannelLimits(config)).toThrow(InvalidConfigError);
    expect(() => validateChannelLimits(config)).toThrow(message);
  });
});

describe('requests for disclosure', () => {
  it('are due 20 working days after receipt', () => {
    const deadline = requestDeadline(steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-23']), calendar);
    expect(deadline).toMatchObject({ receivedOn: '2025-06-20', clockStartedOn: '2025-06-20', workingDaysAllowed: 20, dueOn: '2025-07-18', stoppedBy: null, closedOn: null });
  });

  it('get up to 20 more working days when extended', () => {
    const history = steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-23'], ['EXTENDED', '2025-07-15']);
    expect(requestDeadline(history, calendar)).toMatchObject({ workingDaysAllowed: 40, dueOn: '2025-08-15' });
    expect(requestDeadline(history, calendar, { extensionWorkingDays: 10 })).toMatchObject({ workingDaysAllowed: 30, dueOn: '2025-08-01' });
    expect(() => requestDeadline(history, calendar, { extensionWorkingDays: 21 })).toThrow(InvalidConfigError);
  });

  it('do not count third-party consultation', () => {
    // Jun 23 – Jul 1 are 7 days; Jul 2–10 (consultation) do not count; Jul 11 is the 8th … Jul 29 the 20th.
    const history = steps(
      ['RECEIVED', '2025-06-20'],
      ['ACCEPTED', '2025-06-20'],
      ['THIRD_PARTY_CONSULTATION', '2025-07-01'],
      ['CONSULTATION_ENDED', '2025-07-10'],
    );
    const deadline = requestDeadline(history, calendar);
    expect(deadline.dueOn).toBe('2025-07-29');
    expect(deadline.excluded).toEqual([{ reason: 'THIRD_PARTY_CONSULTATION', after: '2025-07-01', until: '2025-07-10' }]);
  });

  it('have no due date while a consultation is open with days left, and are not overdue then', () => {
    const deadline = requestDeadline(steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-20'], ['THIRD_PARTY_CONSULTATION', '2025-07-01']), calendar);
    expect(deadline).toMatchObject({ dueOn: null, stoppedBy: 'THIRD_PARTY_CONSULTATION' });
    expect(isRequestOverdue(deadline, '2025-09-01')).toBe(false);
  });

  it('stay overdue when the consultation started after the due date', () => {
    const deadline = requestDeadline(steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-20'], ['THIRD_PARTY_CONSULTATION', '2025-07-21']), calendar);
    expect(deadline).toMatchObject({ dueOn: '2025-07-18', stoppedBy: null });
    expect(isRequestOverdue(deadline, '2025-07-21')).toBe(true);
  });

  it('restart the clock the day after a correction, and wait while one is outstanding', () => {
    const asked = steps(['RECEIVED', '2025-06-20'], ['CORRECTION_REQUESTED', '2025-06-23']);
    expect(requestDeadline(asked, calendar)).toMatchObject({ dueOn: null, stoppedBy: 'CORRECTION_REQUESTED' });
    // Counting restarts from Tuesday Jul 8: the days before the correction are gone.
    const corrected = [...asked, ...steps(['CORRECTED', '2025-07-07'], ['ACCEPTED', '2025-07-07'])];
    expect(requestDeadline(corrected, calendar)).toMatchObject({ clockStartedOn: '2025-07-07', dueOn: '2025-08-04', stoppedBy: null });
  });

  it('count across the Spring Festival of 2026 with its make-up Saturdays', () => {
    // Feb 11–13 are 1–3, Sat 14 is 4, Feb 15–23 off, Feb 24–27 are 5–8, Sat 28 is 9, … Mar 16 is 20.
    expect(requestDeadline(steps(['RECEIVED', '2026-02-10']), calendar).dueOn).toBe('2026-03-16');
  });

  it('are overdue after the due date unless replied in time', () => {
    const open = requestDeadline(steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-23']), calendar);
    expect(isRequestOverdue(open, '2025-07-18')).toBe(false);
    expect(isRequestOverdue(open, '2025-07-19')).toBe(true);
    const inTime = requestDeadline(steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-23'], ['REPLIED', '2025-07-18'], ['SERVED', '2025-07-19']), calendar);
    expect(inTime.closedOn).toBe('2025-07-18');
    expect(isRequestOverdue(inTime, '2025-12-01')).toBe(false);
    const late = requestDeadline(steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-23'], ['REPLIED', '2025-07-21']), calendar);
    expect(isRequestOverdue(late, '2025-07-20')).toBe(true);
    expect(isRequestOverdue(late, '2025-12-01')).toBe(true);
  });

  it('cross New Year into 2026, and need the calendar of every year they reach', () => {
    expect(requestDeadline(steps(['RECEIVED', '2025-12-22']), calendar).dueOn).toBe('2026-01-20');
    expect(() => requestDeadline(steps(['RECEIVED', '2026-12-15']), calendar)).toThrow(CalendarYearMissingError);
  });

  it('are timed from their status events in sequence order, dated in China time', () => {
    const base = sampleEvents()['request.status_changed'];
    const events = [
      { ...base, step: 'ACCEPTED' as const, sequence: 2, occurredAt: new Date('2025-06-22T17:00:00Z') }, // Jun 23 in China
      { ...base, step: 'RECEIVED' as const, sequence: 1, occurredAt: new Date('2025-06-20T09:00:00+08:00') },
    ];
    expect(requestStepsFromEvents(events)).toEqual(steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-23']));
  });

  it.each([
    ['no steps', [], 'request step #1: a request history starts with RECEIVED'],
    ['no receipt first', steps(['ACCEPTED', '2025-06-20']), 'request step #1: ACCEPTED may not follow the start of a request'],
    ['a second extension', steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-20'], ['EXTENDED', '2025-07-01'], ['THIRD_PARTY_CONSULTATION', '2025-07-02'], ['CONSULTATION_ENDED', '2025-07-03'], ['EXTENDED', '2025-07-04']), 'request step #6: a reply may be extended only once'],
    ['dates going back', steps(['RECEIVED', '2025-06-20'], ['ACCEPTED', '2025-06-19']), 'request step #2: ACCEPTED on 2025-06-19 is before RECEIVED on 2025-06-20'],
    ['a date that does not exist', steps(['RECEIVED', '2025-06-31']), "request step #1: '2025-06-31' is not a date"],
  ])('reject a history with %s', (_, history, message) => {
    expect(() => requestDeadline(history, calendar)).toThrow(RequestHistoryError);
    expect(() => requestDeadline(history, calendar)).toThrow(message);
  });
});
