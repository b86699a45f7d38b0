import { sampleEvents } from '@gongkai/contracts/dist/testing/sample-events';
import { WordLists } from './detectors/word-list';
import { FindingMismatchError, UnsupportedEventTypeError } from './errors';
import { maskEvent, reviewEvent, toDecisionFindings, type ReviewedEvent } from './review-gate';

const IDENTITY = '370102200002291234';
const MASKED_IDENTITY = '370102********1234';

function document(change: (d: ReturnType<typeof sampleEvents>['document.published']) => void = () => {}) {
  const data = sampleEvents()['document.published'];
  change(data);
  return { type: 'document.published' as const, data };
}

/** Every free-text field of each event type, set to a value through the event's own data. */
const FIELDS: { type: ReviewedEvent['type']; field: string; set: (e: ReturnType<typeof sampleEvents>, v: string) => void }[] = [
  { type: 'document.published', field: 'document.title', set: (e, v) => void (e['document.published'].title = v) },
  { type: 'document.published', field: 'document.body', set: (e, v) => void (e['document.published'].body = v) },
  { type: 'document.published', field: 'document.documentNumber', set: (e, v) => void (e['document.published'].documentNumber = v) },
  { type: 'document.published', field: 'document.subjectCategory', set: (e, v) => void (e['document.published'].subjectCategory = v) },
  { type: 'document.published', field: 'document.catalogueItem.name', set: (e, v) => void (e['document.published'].catalogueItem.name = v) },
  { type: 'document.published', field: 'document.issuingBody.name', set: (e, v) => void (e['document.published'].issuingBody.name = v) },
  { type: 'document.published', field: 'document.region.name', set: (e, v) => void (e['document.published'].region.name = v) },
  { type: 'document.published', field: 'document.keywords[1]', set: (e, v) => void (e['document.published'].keywords[1] = v) },
  { type: 'document.published', field: 'document.attachments[0].name', set: (e, v) => void (e['document.published'].attachments[0]!.name = v) },
  { type: 'document.published', field: 'document.attachments[0].uri', set: (e, v) => void (e['document.published'].attachments[0]!.uri = v) },
  { type: 'interpretation.published', field: 'interpretation.title', set: (e, v) => void (e['interpretation.published'].title = v) },
  { type: 'interpretation.published', field: 'interpretation.body', set: (e, v) => void (e['interpretation.published'].body = v) },
  { type: 'interpretation.published', field: 'interpretation.interpreter', set: (e, v) => void (e['interpretation.published'].interpreter = v) },
  { type: 'interpretation.published', field: 'interpretation.issuingBody.name', set: (e, v) => void (e['interpretation.published'].issuingBody.name = v) },
  { type: 'procurement.published', field: 'procurement.title', set: (e, v) => void (e['procurement.published'].title = v) },
  { type: 'procurement.published', field: 'procurement.body', set: (e, v) => void (e['procurement.published'].body = v) },
  { type: 'procurement.published', field: 'procurement.projectName', set: (e, v) => void (e['procurement.published'].projectName = v) },
  { type: 'procurement.published', field: 'procurement.purchaser.name', set: (e, v) => void (e['procurement.published'].purchaser.name = v) },
  { type: 'procurement.published', field: 'procurement.agency.name', set: (e, v) => void (e['procurement.published'].agency!.name = v) },
  { type: 'procurement.published', field: 'procurement.supervisingDepartment.name', set: (e, v) => void (e['procurement.published'].supervisingDepartment.name = v) },
  {
    type: 'procurement.published',
    field: 'procurement.awardedSupplier.name',
    set: (e, v) => void (e['procurement.published'].awardedSupplier = { name: v, creditCode: null }),
  },
  { type: 'request.status_changed', field: 'requestStatus.note', set: (e, v) => void (e['request.status_changed'].note = v) },
  { type: 'request.status_changed', field: 'requestStatus.handlingBody.name', set: (e, v) => void (e['request.status_changed'].handlingBody.name = v) },
];

function eventWith(type: ReviewedEvent['type'], events: ReturnType<typeof sampleEvents>): ReviewedEvent {
  return { type, data: events[type] } as ReviewedEvent;
}

describe('reviewEvent', () => {
  it.each(['document.published', 'interpretation.published', 'procurement.published', 'request.status_changed', 'publication.retracted'] as const)(
    'passes the realistic sample %s',
    (type) => {
      expect(reviewEvent(eventWith(type, sampleEvents()))).toEqual({ verdict: 'clean', findings: [] });
    },
  );

  it.each(FIELDS.map((f) => [f.field, f] as const))('holds an event with an identity number in %s, naming the field', (_, { type, field, set }) => {
    const events = sampleEvents();
    set(events, `附件 ${IDENTITY} 扫描件`);
    const result = reviewEvent(eventWith(type, events));
    expect(result.verdict).toBe('held');
    expect(result.findings).toEqual([{ field, rule: 'resident-identity-number', start: 3, end: 21, excerpt: MASKED_IDENTITY }]);
  });

  it('holds a document with a classification marker and reports it unmasked', () => {
    const result = reviewEvent(document((d) => (d.body = `机密★1年\n${d.body}`)));
    expect(result).toEqual({
      verdict: 'held',
      findings: [{ field: 'document.body', rule: 'classification-marker', start: 0, end: 5, excerpt: '机密★1年' }],
    });
  });

  it("applies an issuing body's word list to its own events only", () => {
    const wordLists = new WordLists({ byIssuingBody: { '11371500004310437T': ['东湖一号'] } });
    const own = document((d) => (d.title = `${d.title}(东湖一号地块)`));
    expect(reviewEvent(own, { wordLists }).findings).toEqual([
      expect.objectContaining({ field: 'document.title', rule: 'word-list', excerpt: '东湖一号', list: '11371500004310437T' }),
    ]);
    const other = document((d) => {
      d.title = `${d.title}(东湖一号地块)`;
      d.issuingBody = { ...d.issuingBody, creditCode: '11371500MB2850613C' };
    });
    expect(reviewEvent(other, { wordLists }).verdict).toBe('clean');
  });

  it('never holds a retraction, even one whose reason quotes personal data', () => {
    const retraction = sampleEvents()['publication.retracted'];
    retraction.reason = `附件含身份证号${IDENTITY}及手机13812345678,撤回`;
    expect(reviewEvent({ type: 'publication.retracted', data: retraction })).toEqual({ verdict: 'clean', findings: [] });
  });

  it('does not hold a request on its applicant, and keeps the applicant out of every finding', () => {
    const request = sampleEvents()['request.status_changed'];
    request.applicant = { kind: 'NATURAL_PERSON', name: '张三', contact: `13812345678 / ${IDENTITY}` };
    expect(reviewEvent({ type: 'request.status_changed', data: request })).toEqual({ verdict: 'clean', findings: [] });

    request.note = '已电话联系申请人13812345678补正';
    const result = reviewEvent({ type: 'request.status_changed', data: request });
    expect(result.findings).toEqual([{ field: 'requestStatus.note', rule: 'mobile-number', start: 8, end: 19, excerpt: '138****5678' }]);
    expect(JSON.stringify(result)).not.toMatch(/张三|13812345678|20000229/);
  });

  it('refuses event types it does not review', () => {
    const decision = { type: 'review.decided', data: sampleEvents()['review.decided'] } as unknown as ReviewedEvent;
    expect(() => reviewEvent(decision)).toThrow(UnsupportedEventTypeError);
  });
});

describe('toDecisionFindings', () => {
  it('maps findings onto the review.decided shape, keeping excerpts masked', () => {
    const event = document((d) => (d.body = `【内部】联系电话13812345678,项目东湖一号`));
    const { findings } = reviewEvent(event, { wordLists: new WordLists({ global: ['东湖一号'] }) });
    expect(toDecisionFindings(findings)).toEqual([
      { kind: 'CLASSIFICATION_MARKER', field: 'document.body', excerpt: '【内部】', rule: 'classification-marker' },
      { kind: 'MOBILE_NUMBER', field: 'document.body', excerpt: '138****5678', rule: 'mobile-number' },
      { kind: 'WORD_LIST', field: 'document.body', excerpt: '东湖一号', rule: 'word-list:global' },
    ]);
  });
});

describe('maskEvent', () => {
  it.each(['document.published', 'interpretation.published', 'procurement.published', 'request.status_changed'] as const)(
    'masks an identity number in every text field of %s, wherever the finding came from',
    (type) => {
      const events = sampleEvents();
      const fields = FIELDS.filter((f) => f.type === type);
      for (const f of fields) f.set(events, `见 ${IDENTITY}.`);
      const event = eventWith(type, events);
      const { findings } = reviewEvent(event);
      expect(findings.map((f) => f.field)).toEqual(fields.map((f) => f.field));

      // One finding is enough: the value is masked everywhere it appears.
      const masked = maskEvent(event, [findings[0]!]);
      const text = JSON.stringify(masked.data);
      expect(text).not.toContain(IDENTITY);
      expect(text.split(MASKED_IDENTITY)).toHaveLength(fields.length + 1);
      expect(reviewEvent(masked).verdict).toBe('clean');
      // The original is untouched.
      expect(JSON.stringify(event.data)).toContain(IDENTITY);
    },
  );

  it('masks the same value in other spellings and inside other text, and keeps dates as dates', () => {
    const event = document((d) => {
      d.title = `关于13812345678号线索的通报`;
      d.body = `联系电话:+86 138-1234-5678。邮箱 ZhangSan@Example.cn;卡号 6222 0212 3456 7890 128`;
      d.attachments[0]!.name = `名单${IDENTITY}0.xlsx`;
      d.attachments[0]!.uri = `https://www.liaocheng.gov.cn/files/zhangsan@example.cn/6222021234567890128.pdf`;
    });
    const { findings } = reviewEvent(event);
    const masked = maskEvent(event, findings);
    expect(masked.data.title).toBe('关于138****5678号线索的通报');
    expect(masked.data.body).toBe('联系电话:+86 138-****-5678。邮箱 Z***@Example.cn;卡号 6222 02** **** ***0 128');
    expect(masked.data.attachments[0]!.uri).toBe('https://www.liaocheng.gov.cn/files/z***@example.cn/622202*********0128.pdf');
    // structuredClone builds the copy in Node's realm, not jest's, so `toBeInstanceOf(Date)` cannot tell.
    expect(Object.prototype.toString.call(masked.data.publishedAt)).toBe('[object Date]');
    expect(masked.data.publishedAt.getTime()).toBe(event.data.publishedAt.getTime());
  });

  it('masks an identity number found in one field where it sits inside a longer digit run in another', () => {
    const event = document((d) => {
      d.body = `身份证号${IDENTITY}`;
      d.attachments[0]!.name = `名单${IDENTITY}0.xlsx`;
    });
    const { findings } = reviewEvent(event);
    expect(findings.map((f) => f.field)).toEqual(['document.body']);
    expect(maskEvent(event, findings).data.attachments[0]!.name).toBe(`名单${MASKED_IDENTITY}0.xlsx`);
  });

  it('masks a value glued to other text and written in full width in another field', () => {
    const event = document((d) => {
      d.body = `身份证号${IDENTITY}，邮箱zhangsan@example.cn`;
      d.title = '名单３７０１０２２００００２２９１２３４０号';
    });
    const { findings } = reviewEvent(event);
    expect(findings.map((f) => f.field)).toEqual(['document.body', 'document.body']);
    const masked = maskEvent(event, findings);
    expect(masked.data.title).toBe(`名单${MASKED_IDENTITY}０号`);
    expect(masked.data.body).toBe(`身份证号${MASKED_IDENTITY}，邮箱z***@example.cn`);
  });

  it('leaves markers and listed words as written, and the applicant of a request as it is', () => {
    const event = document((d) => (d.body = `【内部】${d.body}`));
    expect(maskEvent(event, reviewEvent(event).findings).data.body).toBe(event.data.body);

    const request = sampleEvents()['request.status_changed'];
    request.note = '申请人电话13800000000';
    const requestEvent = { type: 'request.status_changed' as const, data: request };
    const masked = maskEvent(requestEvent, reviewEvent(requestEvent).findings);
    expect(masked.data.note).toBe('申请人电话138****0000');
    expect(masked.data.applicant).toEqual({ kind: 'NATURAL_PERSON', name: '张三', contact: '13800000000' });
  });

  it('refuses findings that do not point at their value in this event', () => {
    const event = document((d) => (d.body = `电话13812345678`));
    const [finding] = reviewEvent(event).findings;
    expect(() => maskEvent(event, [{ ...finding!, start: 0 }])).toThrow(FindingMismatchError);
    expect(() => maskEvent(event, [{ ...finding!, field: 'document.summary' }])).toThrow(/no such text field/);
    const changed = document((d) => (d.body = `电话：13812345678`));
    expect(() => maskEvent(changed, [finding!])).toThrow(FindingMismatchError);
  });
});
