import { join } from 'node:path';
import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { RoutingConfigError } from './errors';
import { loadRouting, parseRouting, planRoute, type RouteTarget } from './routing';

const routing = loadRouting(join(__dirname, '..', 'config', 'routing.yaml'));
const HEALTH_COMMISSION = '11371500MB2850613C'; // example code in config/routing.yaml

const targets = (plan: RouteTarget[], channel?: string) => plan.filter((t) => !channel || t.channel === channel).map((t) => t.target);

function document(change: (d: ReturnType<typeof sampleEvents>['document.published']) => void = () => {}) {
  const data = sampleEvents()['document.published'];
  data.importance = 'NORMAL';
  change(data);
  return { type: 'document.published' as const, data };
}

describe("Liaocheng's routing file", () => {
  it('routes a policy document to its website column, the city account and every service hall', () => {
    const plan = planRoute(document(), routing);
    expect(targets(plan, 'website')).toEqual(['zfxxgk/zcwj']);
    expect(targets(plan, 'newmedia')).toEqual(['wechat/lcfb']);
    expect(targets(plan, 'kiosk')).toEqual(['hall/371500', 'hall/371502', 'hall/371503', 'hall/371521', 'hall/371522', 'hall/371524', 'hall/371525', 'hall/371526', 'hall/371581']);
    expect(targets(plan, 'provincial')).toEqual([]);
  });

  it('routes by catalogue item', () => {
    const health = planRoute(document((d) => (d.catalogueItem = { code: 'ZDGK-07-02', name: '医疗卫生' })), routing);
    expect(targets(health, 'website')).toEqual(['zfxxgk/zdly/ylws']);
    expect(targets(health, 'kiosk')).toContain('hospital/371500');
    expect(targets(planRoute(document(), routing), 'kiosk')).not.toContain('hospital/371500');
  });

  it('routes by issuing body', () => {
    const plan = planRoute(document((d) => (d.issuingBody = { name: '聊城市卫生健康委员会', creditCode: HEALTH_COMMISSION, code: null })), routing);
    expect(targets(plan, 'newmedia')).toEqual(['wechat/jklc']);
  });

  it('routes by region', () => {
    const plan = planRoute(document((d) => (d.region = { code: '371581', name: '临清市' })), routing);
    expect(targets(plan, 'newmedia')).toEqual(['wechat/lcfb', 'wechat/lqfb']);
    expect(targets(plan, 'kiosk')).toEqual(['hall/371581', 'community/371581']);
  });

  it('reposts important items across the new-media matrix and into stations, malls and scenic spots', () => {
    const plan = planRoute(document((d) => (d.importance = 'IMPORTANT')), routing);
    expect(targets(plan, 'newmedia')).toEqual(['wechat/lcfb', 'weibo/lcfb', 'douyin/lcfb', 'wechat/dcfb', 'wechat/lqfb']);
    expect(targets(plan, 'kiosk')).toEqual(expect.arrayContaining(['transport/371500', 'mall/371500', 'scenic/371500']));
  });

  it('routes by event type', () => {
    const events = sampleEvents();
    expect(planRoute({ type: 'procurement.published', data: events['procurement.published'] }, routing)).toEqual([
      { channel: 'website', target: 'zfxxgk/ggzyjy/zfcg' },
      { channel: 'kiosk', target: 'hall/371500' },
    ]);
    expect(targets(planRoute({ type: 'interpretation.published', data: events['interpretation.published'] }, routing), 'website')).toEqual(['zfxxgk/zcjd']);
  });

  it('sends requests for disclosure to the provincial platform only', () => {
    const request = sampleEvents()['request.status_changed'];
    expect(planRoute({ type: 'request.status_changed', data: request }, routing)).toEqual([{ channel: 'provincial', target: 'shandong-ysq' }]);
  });

  it('sends a retraction wherever its publication went, or to every public target when that is unknown', () => {
    const retraction = { type: 'publication.retracted' as const, data: sampleEvents()['publication.retracted'] };
    const released = planRoute(document(), routing);
    expect(planRoute(retraction, routing, [...released, released[0]!])).toEqual(released);
    const everywhere = planRoute(retraction, routing);
    expect(everywhere).toHaveLength(routing.targets.website.size + routing.targets.newmedia.size + routing.targets.kiosk.size);
    expect(targets(everywhere, 'provincial')).toEqual([]);
  });
});

describe('rules', () => {
  const config = (rules: string) =>
    [
      'channels:',
      '  website: { a/b: A, a/c: C }',
      '  kiosk: { hall/371500: H, hall/371502: D }',
      '  provincial: { sd: P }',
      'rules:',
      rules,
    ].join('\n');

  it('match catalogue items and regions by prefix, and need every criterion to hold', () => {
    const r = parseRouting(
      config(
        [
          '  - name: one',
          "    when: { eventTypes: [document.published], catalogueItems: ['ZDGK-01-*'], regions: ['3715*'], importance: [IMPORTANT] }",
          '    to: { website: [a/b] }',
        ].join('\n'),
      ),
    );
    const important = (d: ReturnType<typeof sampleEvents>['document.published']) => (d.importance = 'IMPORTANT');
    expect(planRoute(document(important), r)).toEqual([{ channel: 'website', target: 'a/b' }]);
    expect(planRoute(document(), r)).toEqual([]);
    expect(planRoute(document((d) => { important(d); d.region = { code: '370100', name: '济南市' }; }), r)).toEqual([]);
    expect(planRoute(document((d) => { important(d); d.catalogueItem = { code: 'ZDGK-02-01', name: '机构职能' }; }), r)).toEqual([]);
  });

  const bad: [string, string, string][] = [
    ['an unknown channel', '  - { name: x, when: { eventTypes: [document.published] }, to: { wechat: [a/b] } }', 'r.yaml:6: rule \'x\': `wechat` is not a channel'],
    ['an undeclared target', '  - name: x\n    when: { eventTypes: [document.published] }\n    to: { website: [a/b, a/d] }', "r.yaml:8: rule 'x': `a/d` is not declared under channels.website"],
    ['requests sent to a public channel', '  - name: x\n    when: { eventTypes: [request.status_changed] }\n    to:\n      kiosk: [hall/371500]', "r.yaml:9: rule 'x': request.status_changed events go only to the provincial platform, not to kiosk"],
    ['documents sent to the provincial platform', '  - name: x\n    when: { eventTypes: [document.published] }\n    to: { provincial: [sd] }', "r.yaml:8: rule 'x': only request.status_changed events go to the provincial platform"],
    ['a bad credit code', "  - name: x\n    when:\n      eventTypes: [document.published]\n      issuingBodies: ['11371500004310437X']\n    to: { website: [a/b] }", "r.yaml:9: rule 'x': issuingBodies: `11371500004310437X` is not a unified social credit code"],
    ['a criterion the event type lacks', '  - name: x\n    when:\n      eventTypes: [procurement.published]\n      importance: [IMPORTANT]\n    to: { website: [a/b] }', "r.yaml:9: rule 'x': procurement.published events have nothing `importance` can match"],
    ['a misspelt criterion', '  - name: x\n    when:\n      eventTypes: [document.published]\n      catalogueItem: [ZDGK-01-02]\n    to: { website: [a/b] }', "r.yaml:9: rule 'x': `when`: unknown key `catalogueItem`"],
    ['a routed retraction', '  - name: x\n    when: { eventTypes: [publication.retracted] }\n    to: { website: [a/b] }', "r.yaml:7: rule 'x': retractions are not routed by rules"],
    ['a bad region', "  - name: x\n    when: { eventTypes: [document.published], regions: ['3715'] }\n    to: { website: [a/b] }", "r.yaml:7: rule 'x': regions: `3715` is not a six-digit region code"],
    ['a duplicate rule name', '  - { name: x, when: { eventTypes: [document.published] }, to: { website: [a/b] } }\n  - { name: x, when: { eventTypes: [document.published] }, to: { website: [a/c] } }', "r.yaml:7: rule 'x': the name is already used on line 6"],
    ['a rule without targets', '  - name: x\n    when: { eventTypes: [document.published] }', 'r.yaml:6: rule #1 needs `to`'],
    ['broken YAML', '  - name: x\n    when: { eventTypes: [document.published]\n    to: { website: [a/b] }', 'r.yaml:8: '],
  ];
  it.each(bad)('stop start-up on %s, naming file and line', (_, rules, message) => {
    expect(() => parseRouting(config(rules), 'r.yaml')).toThrow(RoutingConfigError);
    expect(() => parseRouting(config(rules), 'r.yaml')).toThrow(message);
  });

  it('refuse a file that cannot be read, or has no rules', () => {
    expect(() => loadRouting('/nonexistent/routing.yaml')).toThrow('/nonexistent/routing.yaml: cannot be read: ENOENT');
    expect(() => parseRouting('channels: {}\nrules: []\n', 'r.yaml')).toThrow('r.yaml:2: `rules` must not be empty');
  });
});
