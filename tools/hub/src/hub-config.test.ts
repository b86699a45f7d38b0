import { loadHubConfig } from './hub-config';

describe('hub config', () => {
  it('defaults to a local broker on 9092 and state in .hub', () => {
    expect(loadHubConfig({})).toEqual({
      HUB_STATE_DIR: '.hub',
      HUB_KAFKA_PORT: 9092,
      HUB_GATEWAY_PORT: 50051,
      HUB_REVIEW_PORT: 50052,
      HUB_SANDBOX_WEBSITE_PORT: 8081,
      HUB_SANDBOX_CONTROL_PORT: 8089,
      HUB_KAFKA_BROKERS: undefined,
    });
  });

  it('names a bad port with its value', () => {
    expect(() => loadHubConfig({ HUB_KAFKA_PORT: '90920' })).toThrow(/HUB_KAFKA_PORT="90920": must be a TCP port/);
  });

  it('takes an external Kafka', () => {
    expect(loadHubConfig({ HUB_KAFKA_BROKERS: 'kafka-1:9092,kafka-2:9092' }).HUB_KAFKA_BROKERS).toEqual(['kafka-1:9092', 'kafka-2:9092']);
  });
});
