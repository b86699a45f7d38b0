import { EVENT_TYPES, type EventData, type EventType } from '../events/event-types';
import { sampleEvents } from '../testing/sample-events';
import { validateEvent, type ValidationContext } from './validate-event';
import { toFieldViolations, VALIDATION_RULES, type Violation } from './violation';

function violationsOf<T extends EventType>(type: T, change: (data: EventData<T>) => void, context?: ValidationContext): Violation[] {
  const data = sampleEvents()[type];
  change(data);
  return validateEvent({ type, data }, context);
}

function brief(violations: Violation[]): string[] {
  return violations.map((v) => `${v.field} ${v.rule}`);
}

describe('validateEvent', () => {
  it.each(EVENT_TYPES.map((t) => [t]))('accepts the valid sample %s', (type) => {
    expect(validateEvent({ type, data: sampleEvents()[type] })).toEqual([]);
  });

  describe('issuing body credit code', () => {
    it('names a wrong check character with the one expected', () => {
      const [violation] = violationsOf('document.published', (d) => {
        d.issuingBody.creditCode = '11371500004310437K';
        d.indexNumber = '11371500004310437K/2025-00012';
      });
      expect(violation).toEqual({
        field: 'document.issuingBody.creditCode',
        rule: 'credit-code-check-character',
        description: expect.stringContaining('gives T') as string,
      });
    });

    it('refuses a code of the wrong form, and an empty one', () => {
      expect(brief(violationsOf('interpretation.published', (d) => (d.issuingBody.creditCode = '1137150000431043')))).toContain(
        'interpretation.issuingBody.creditCode credit-code-format',
      );
      expect(brief(violationsOf('request.status_changed', (d) => (d.handlingBody.creditCode = '')))).toEqual([
        'requestStatus.handlingBody.creditCode required',
      ]);
    });
  });

  describe('document number', () => {
    it('accepts both 字 and 发 forms, and none at all', () => {
      expect(violationsOf('document.published', (d) => (d.documentNumber = '聊政发〔2025〕3号'))).toEqual([]);
      expect(violationsOf('document.published', (d) => (d.documentNumber = null))).toEqual([]);
    });

    it('refuses a near miss with the wrong brackets', () => {
      expect(brief(violationsOf('document.published', (d) => (d.documentNumber = '聊政办字(2025)12号')))).toEqual([
        'document.documentNumber document-number-format',
      ]);
    });
  });

  describe('index number', () => {
    it('accepts the body’s own code where it has one', () => {
      expect(
        violationsOf('document.published', (d) => {
          d.issuingBody.code = '00431043-7';
          d.indexNumber = '00431043-7/2025-00012';
        }),
      ).toEqual([]);
    });

    it('refuses a malformed one and one of another body', () => {
      expect(brief(violationsOf('document.published', (d) => (d.indexNumber = '11371500004310437T/2025-12')))).toEqual([
        'document.indexNumber index-number-format',
      ]);
      expect(brief(violationsOf('document.published', (d) => (d.indexNumber = '91350100M000100Y43/2025-00012')))).toEqual([
        'document.indexNumber index-number-issuing-body',
      ]);
    });
  });

  describe('procurement notice', () => {
    it('must name its supervising department', () => {
      const violations = violationsOf('procurement.published', (d) => (d.supervisingDepartment = { name: '  ', creditCode: null }));
      expect(violations).toEqual([
        {
          field: 'procurement.supervisingDepartment',
          rule: 'supervising-department-required',
          description: 'a procurement notice must name its supervising department (监督部门)',
        },
      ]);
    });

    it('an award notice names the supplier and the amount', () => {
      expect(brief(violationsOf('procurement.published', (d) => (d.noticeKind = 'AWARD')))).toEqual([
        'procurement.awardedSupplier award-details-required',
        'procurement.awardAmountFen award-details-required',
      ]);
      expect(
        violationsOf('procurement.published', (d) => {
          d.noticeKind = 'AWARD';
          d.awardedSupplier = { name: '聊城某某科技有限公司', creditCode: null };
          d.awardAmountFen = 119_800_00;
        }),
      ).toEqual([]);
    });

    it('amounts are whole fen, never negative', () => {
      expect(brief(violationsOf('procurement.published', (d) => (d.budgetFen = -1)))).toEqual(['procurement.budgetFen money-non-negative']);
      expect(brief(violationsOf('procurement.published', (d) => (d.budgetFen = 0.5)))).toContain('procurement.budgetFen money-non-negative');
      expect(violationsOf('procurement.published', (d) => (d.budgetFen = 0))).toEqual([]);
    });
  });

  describe('formed before published', () => {
    it('accepts a document formed on the day it is published, in China time', () => {
      // 2025-06-27 07:00 in Beijing is still 2025-06-26 in UTC.
      expect(
        violationsOf('document.published', (d) => {
          d.formedOn = '2025-06-27';
          d.publishedAt = new Date('2025-06-26T23:00:00Z');
          d.validity.effectiveOn = null;
        }),
      ).toEqual([]);
    });

    it('refuses a document formed the day after it was published', () => {
      expect(brief(violationsOf('document.published', (d) => (d.formedOn = '2025-06-28')))).toEqual([
        'document.formedOn formed-not-after-published',
      ]);
    });

    it('refuses a date that does not exist', () => {
      expect(brief(violationsOf('document.published', (d) => (d.formedOn = '2025-06-31')))).toEqual(['document.formedOn date-format']);
    });
  });

  describe('validity', () => {
    it('an expired or repealed document says when it ended', () => {
      expect(brief(violationsOf('document.published', (d) => (d.validity.status = 'REPEALED')))).toEqual([
        'document.validity.endedOn validity-end-date',
      ]);
      expect(
        violationsOf('document.published', (d) => {
          d.validity.status = 'REPEALED';
          d.validity.endedOn = '2025-12-31';
        }),
      ).toEqual([]);
    });

    it('cannot end before it took effect, and must be stated', () => {
      expect(
        brief(
          violationsOf('document.published', (d) => {
            d.validity = { status: 'EXPIRED', effectiveOn: '2025-06-26', endedOn: '2025-06-01' };
          }),
        ),
      ).toEqual(['document.validity.endedOn validity-dates-order']);
      expect(brief(violationsOf('document.published', (d) => (d.validity.status = 'UNKNOWN')))).toEqual([
        'document.validity.status enum-unspecified',
      ]);
    });
  });

  describe('request steps', () => {
    it('checks the order when the previous step is known', () => {
      expect(violationsOf('request.status_changed', () => undefined, { previousRequestStep: 'ACCEPTED' })).toEqual([]);
      const [violation] = violationsOf('request.status_changed', () => undefined, { previousRequestStep: 'THIRD_PARTY_CONSULTATION' });
      expect(violation).toMatchObject({ field: 'requestStatus.step', rule: 'request-step-order' });
      expect(violation?.description).toContain('allowed: CONSULTATION_ENDED, WITHDRAWN');
    });

    it('a first step is a receipt with sequence 1', () => {
      expect(brief(violationsOf('request.status_changed', () => undefined, { previousRequestStep: null }))).toEqual([
        'requestStatus.step request-step-order',
      ]);
      expect(
        violationsOf(
          'request.status_changed',
          (d) => {
            d.step = 'RECEIVED';
            d.sequence = 1;
            d.outcome = null;
          },
          { previousRequestStep: null },
        ),
      ).toEqual([]);
      expect(
        brief(
          violationsOf('request.status_changed', (d) => {
            d.step = 'RECEIVED';
            d.outcome = null;
          }),
        ),
      ).toEqual(['requestStatus.sequence request-sequence']);
    });

    it('a reply has an outcome and nothing else has', () => {
      expect(brief(violationsOf('request.status_changed', (d) => (d.outcome = null)))).toEqual(['requestStatus.outcome reply-outcome']);
      expect(brief(violationsOf('request.status_changed', (d) => (d.step = 'SERVED')))).toEqual(['requestStatus.outcome reply-outcome']);
    });

    it('is not due before it was received', () => {
      expect(brief(violationsOf('request.status_changed', (d) => (d.dueOn = '2025-06-19')))).toEqual([
        'requestStatus.dueOn request-dates-order',
      ]);
    });
  });

  describe('sizes', () => {
    it('a title of 200 characters passes, 201 does not', () => {
      expect(violationsOf('document.published', (d) => (d.title = '政'.repeat(200)))).toEqual([]);
      expect(violationsOf('document.published', (d) => (d.title = '政'.repeat(201)))).toEqual([
        { field: 'document.title', rule: 'title-length', description: 'the title has 201 characters; at most 200 are allowed' },
      ]);
      // Characters, not UTF-16 units: 200 astral characters are 400 units.
      expect(violationsOf('document.published', (d) => (d.title = '𠮷'.repeat(200)))).toEqual([]);
    });

    it('a body is measured in UTF-8 bytes, at most 2 MiB', () => {
      const limit = 2 * 1024 * 1024;
      // Each Chinese character is three bytes of UTF-8.
      expect(violationsOf('interpretation.published', (d) => (d.body = '政'.repeat(Math.floor(limit / 3))))).toEqual([]);
      expect(brief(violationsOf('interpretation.published', (d) => (d.body = '政'.repeat(Math.floor(limit / 3) + 1))))).toEqual([
        'interpretation.body body-size',
      ]);
    });

    it('at most 50 attachments', () => {
      const attachment = sampleEvents()['document.published'].attachments[0]!;
      expect(violationsOf('document.published', (d) => (d.attachments = Array.from({ length: 50 }, () => ({ ...attachment }))))).toEqual([]);
      expect(brief(violationsOf('document.published', (d) => (d.attachments = Array.from({ length: 51 }, () => ({ ...attachment })))))).toEqual([
        'document.attachments attachment-count',
      ]);
    });

    it('each attachment has a SHA-256 hash, a positive size up to 200 MiB and a media type', () => {
      const violations = violationsOf('document.published', (d) => {
        const a = d.attachments[0]!;
        a.sha256 = a.sha256.toUpperCase();
        a.size = 0;
        a.mediaType = 'application/pdf; charset=binary';
      });
      expect(brief(violations)).toEqual([
        'document.attachments[0].mediaType attachment-media-type',
        'document.attachments[0].sha256 attachment-hash',
        'document.attachments[0].size attachment-size',
      ]);
      expect(violationsOf('document.published', (d) => (d.attachments[0]!.size = 200 * 1024 * 1024))).toEqual([]);
      expect(brief(violationsOf('document.published', (d) => (d.attachments[0]!.size = 200 * 1024 * 1024 + 1)))).toEqual([
        'document.attachments[0].size attachment-size',
      ]);
      expect(brief(violationsOf('document.published', (d) => (d.attachments[0]!.sha256 = 'ab'.repeat(31))))).toEqual([
        'document.attachments[0].sha256 attachment-hash',
      ]);
    });
  });

  describe('text', () => {
    it('names the field that holds a control character or a lone surrogate', () => {
      expect(
        brief(
          violationsOf('document.published', (d) => {
            d.title = '关于\u0007印发的通知';
            d.attachments[0]!.name = `附件${'𠮷'.charAt(0)}.pdf`;
          }),
        ),
      ).toEqual(['document.title control-character', 'document.attachments[0].name lone-surrogate']);
    });

    it('checks personal data fields too, without echoing them', () => {
      const [violation] = violationsOf('request.status_changed', (d) => (d.applicant!.name = '张\u0000三'));
      expect(violation).toMatchObject({ field: 'requestStatus.applicant.name', rule: 'control-character' });
      expect(violation?.description).not.toContain('张');
    });
  });

  describe('other rules', () => {
    it('a retraction needs its reason and who asked', () => {
      expect(
        brief(
          violationsOf('publication.retracted', (d) => {
            d.reason = '';
            d.reasonCode = 'UNKNOWN';
          }),
        ),
      ).toEqual(['retraction.reasonCode enum-unspecified', 'retraction.reason required']);
    });

    it('an interpretation names another publication', () => {
      expect(brief(violationsOf('interpretation.published', (d) => (d.policyPublicationId = d.publicationId)))).toEqual([
        'interpretation.policyPublicationId policy-self-reference',
      ]);
    });

    it('a revision counts from 1 and a region code has six digits', () => {
      expect(
        brief(
          violationsOf('document.published', (d) => {
            d.revision = 0;
            d.region.code = '3715';
          }),
        ),
      ).toEqual(['document.revision positive-integer', 'document.region.code region-code-format']);
    });

    it('reports what does not fit the schema without throwing', () => {
      const data = sampleEvents()['document.published'] as unknown as Record<string, unknown>;
      delete data.catalogueItem;
      data.keywords = 'not a list';
      const violations = validateEvent({ type: 'document.published', data: data as never });
      expect(brief(violations)).toEqual([
        'document.catalogueItem.code required',
        'document.catalogueItem.name required',
        'document.keywords schema',
      ]);
    });
  });

  it('turns violations into gRPC field violations', () => {
    const violations = violationsOf('document.published', (d) => (d.issuingBody.creditCode = '11371500004310437K'));
    const fieldViolations = toFieldViolations(violations);
    expect(fieldViolations[0]).toEqual({
      field: 'document.issuingBody.creditCode',
      description: violations[0]!.description,
      reason: 'CREDIT_CODE_CHECK_CHARACTER',
    });
    for (const rule of VALIDATION_RULES) {
      expect(toFieldViolations([{ field: 'x', rule, description: '' }])[0]!.reason).toMatch(/^[A-Z][A-Z0-9_]+[A-Z0-9]$/);
    }
  });
});
