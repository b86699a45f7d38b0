import { loadDeliveryConfig } from './delivery-config';

describe('loadDeliveryConfig', () => {
  it('runs on one laptop with no settings', () => {
    const config = loadDeliveryConfig({});
    expect(config).toMatchObject({ DELIVERY_STATE_DIR: '.hub/delivery', DELIVERY_MAX_ATTEMPTS: 12, DELIVERY_RETRY_INITIAL: 30_000, DELIVERY_TARGET_RATE: 200 });
    expect(config.DELIVERY_TARGET_RATES.size).toBe(0);
  });

  it('reads per-target rates', () => {
    expect([...loadDeliveryConfig({ DELIVERY_TARGET_RATES: 'weibo/lcfb=2, wechat/lcfb=5' }).DELIVERY_TARGET_RATES]).toEqual([
      ['weibo/lcfb', 2],
      ['wechat/lcfb', 5],
    ]);
  });

  it('names every bad setting with its value', () => {
    expect(() => loadDeliveryConfig({ DELIVERY_TARGET_RATES: 'weibo/lcfb=fast', DELIVERY_MAX_ATTEMPTS: '0', DELIVERY_RETRY_INITIAL: 'soon' })).toThrow(
      /DELIVERY_MAX_ATTEMPTS="0": must be at least 1[\s\S]*DELIVERY_RETRY_INITIAL="soon"[\s\S]*DELIVERY_TARGET_RATES="weibo\/lcfb=fast": 'weibo\/lcfb=fast' is not target=calls-per-second/,
    );
    expect(() => loadDeliveryConfig({ DELIVERY_TARGET_RATES: 'a=1,a=2' })).toThrow(/target a is given twice/);
  });
});
