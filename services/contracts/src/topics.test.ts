import { allTopics, CHANNELS, deadLetterTopic, DEFAULT_RETRY_TIERS, retryTopic, TOPICS, type ChannelName } from './topics';

describe('topics', () => {
  it('names the topics of the design', () => {
    expect(Object.values(TOPICS).sort()).toEqual(['alerts', 'delivery', 'disclosure', 'released', 'review.decisions', 'review.held']);
  });

  it('names retry and dead-letter topics per channel', () => {
    expect(retryTopic('website', 1)).toBe('website.retry.1');
    expect(retryTopic('provincial', 3)).toBe('provincial.retry.3');
    expect(deadLetterTopic('kiosk')).toBe('kiosk.dlq');
  });

  it('refuses a tier below 1 or not whole, and a channel that does not exist', () => {
    expect(() => retryTopic('website', 0)).toThrow(RangeError);
    expect(() => retryTopic('website', 1.5)).toThrow(RangeError);
    expect(() => deadLetterTopic('wechat' as ChannelName)).toThrow(/unknown channel "wechat"/);
  });

  it('lists every topic of a deployment once', () => {
    const topics = allTopics();
    expect(topics).toHaveLength(6 + CHANNELS.length * (DEFAULT_RETRY_TIERS + 1));
    expect(new Set(topics).size).toBe(topics.length);
    expect(topics).toContain('newmedia.retry.3');
    expect(allTopics(1)).not.toContain('newmedia.retry.2');
  });
});
