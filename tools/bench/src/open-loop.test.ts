import { status } from '@grpc/grpc-js';
import { openLoop } from './open-loop';

describe('open loop', () => {
  it('makes one call per slot of the schedule, the warm-up ones unmeasured', async () => {
    const calls: [number, boolean][] = [];
    const result = await openLoop({
      ratePerSecond: 100,
      warmupMs: 20,
      durationMs: 30,
      maxInFlight: 10,
      firstSeq: 40,
      call: async (seq, measured) => void calls.push([seq, measured]),
    });
    expect(calls).toEqual([
      [40, false],
      [41, false],
      [42, true],
      [43, true],
      [44, true],
    ]);
    expect(result).toMatchObject({ firstMeasuredSeq: 42, nextSeq: 45, sent: 3, notSent: 0, errors: 0 });
    expect(result.answers.calls).toBe(3);
  });

  it('does not wait for answers, and counts the turns that found the most calls in flight as not sent', async () => {
    const waiting: (() => void)[] = [];
    const result = await openLoop({
      ratePerSecond: 200,
      warmupMs: 0,
      durationMs: 50,
      maxInFlight: 3,
      // No call is answered before the schedule has run out.
      call: () => new Promise<void>((resolve) => waiting.push(resolve)),
      onWindow: (edge) => {
        if (edge === 'close') waiting.forEach((answer) => answer());
      },
    });
    expect(result).toMatchObject({ sent: 3, notSent: 7, nextSeq: 10 });
  });

  it('counts failures of measured calls and groups them by kind', async () => {
    const deadline = Object.assign(new Error('deadline'), { code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded after 15.001s' });
    const result = await openLoop({
      ratePerSecond: 100,
      warmupMs: 10,
      durationMs: 30,
      maxInFlight: 10,
      call: async () => {
        throw deadline;
      },
    });
    expect(result.errors).toBe(3);
    expect(result.errorKinds).toEqual({ 'grpc DEADLINE_EXCEEDED': 4 });
  });
});
