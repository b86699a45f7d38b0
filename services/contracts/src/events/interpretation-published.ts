import type { Attachment, Importance, IssuingBody, Region } from './common';

/** Interpretation forms, in schema order: 文字, 图解, 视频, 问答, 发布会, 在线访谈. */
export const INTERPRETATION_FORMS = ['UNKNOWN', 'TEXT', 'GRAPHIC', 'VIDEO', 'QA', 'BRIEFING', 'INTERVIEW'] as const;
/** How a policy is interpreted. */
export type InterpretationForm = (typeof INTERPRETATION_FORMS)[number];

/** Data of `interpretation.published`: an interpretation (政策解读) of a policy. */
export interface InterpretationPublished {
  publicationId: string;
  revision: number;
  /** The policy (a `document.published`) this explains. */
  policyPublicationId: string;
  form: InterpretationForm;
  indexNumber: string | null;
  issuingBody: IssuingBody;
  interpreter: string | null;
  title: string;
  body: string;
  attachments: Attachment[];
  publishedAt: Date;
  region: Region;
  importance: Importance;
}
