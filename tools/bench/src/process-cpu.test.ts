import { cpuPerEvent } from './process-cpu';

describe('cpuPerEvent', () => {
  it('adds the server, broker and load generator shares and divides by the events carried', () => {
    // 109% + 33% + 34% of one core at 16,690 events/s: 176 / 100 s of CPU per second.
    const cost = cpuPerEvent({ server: 109, kafka: 33, client: 34, others: 40 }, 16_690, 2);
    expect(cost?.microseconds).toBeCloseTo((1.76 * 1e6) / 16_690, 6);
    expect(cost?.ceiling).toBeCloseTo((2 * 1e6) / ((1.76 * 1e6) / 16_690), 6);
  });

  it('leaves out the neighbours: their share is not what the events cost', () => {
    expect(cpuPerEvent({ server: 50, kafka: 50, client: 0, others: 90 }, 10_000, 2)?.microseconds).toBeCloseTo(100, 9);
  });

  it('counts the shares it has when a process could not be read (raw kafkajs has no server)', () => {
    expect(cpuPerEvent({ kafka: 50, client: 50 }, 20_000, 2)).toEqual({ microseconds: 50, ceiling: 40_000 });
  });

  it('has no answer without shares or without events', () => {
    expect(cpuPerEvent({}, 10_000, 2)).toBeUndefined();
    expect(cpuPerEvent({ server: 100 }, 0, 2)).toBeUndefined();
    expect(cpuPerEvent({ server: 100 }, Number.NaN, 2)).toBeUndefined();
  });
});
