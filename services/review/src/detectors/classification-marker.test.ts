import { detectClassificationMarkers } from './classification-marker';

const markers = (text: string) => detectClassificationMarkers(text).map((f) => f.excerpt);

describe('classification and restriction markers', () => {
  it.each([
    ['a secret level with star and term', '关于某项目的请示 机密★1年', ['机密★1年']],
    ['a bare star', '秘密★ 聊城市某局文件', ['秘密★']],
    ['绝密★启用前', '绝密★启用前\n2025年考试试题', ['绝密★启用前']],
    ['a term in months and a full-width star form', '秘密＊6个月', ['秘密＊6个月']],
    ['the 密级 label', '密级：机密　保密期限：10年', ['密级：机密']],
    ['a bracketed mark', '【内部】2025年工作计划', ['【内部】']],
    ['several marks in brackets', '（内部资料 注意保管）', ['（内部资料 注意保管）']],
    ['a mark alone on a line', '聊城市某局\n工作秘密\n关于……的报告', ['工作秘密']],
    ['marks alone on a line, spaced with an ideographic space', '  内部资料　注意保管  \n正文', ['内部资料　注意保管']],
    ['内部 alone on a line', '内部\n关于调整内部控制制度的通知', ['内部']],
    ['内部使用 at the head of a title', '内部使用 关于印发考核细则的通知', ['内部使用']],
    ['a mark at the head of a file name', '内部资料.pdf', ['内部资料']],
    ['敏感 in brackets', '〔敏感〕舆情处置情况', ['〔敏感〕']],
  ])('finds %s', (_, text, expected) => {
    expect(markers(text)).toEqual(expected);
  });

  it('reports where the marker is', () => {
    expect(detectClassificationMarkers('报告\n机密★1年\n正文')).toEqual([{ rule: 'classification-marker', start: 3, end: 8, excerpt: '机密★1年' }]);
  });

  it.each([
    ['秘书 is not 秘密', '市政府秘书长主持会议,秘书科负责记录.'],
    ['内部 in running text', '健全内部控制制度,加强内部审计.'],
    ['内部控制 at the head of a text', '内部控制制度汇编'],
    ['商业秘密 in a reply note', '涉及第三方商业秘密部分不予公开'],
    ['the plan warning against leaking secrets, wrapped onto a new line', '做好拟公开信息保密审查工作,防止泄露国家秘密、\n 工作秘密和敏感信息,防范数据汇聚引发泄密风险.'],
    ['敏感 as an adjective', '对影响面广、敏感度高的申请,审慎处理;敏感个人信息依法保护.'],
    ['机密 inside a title word', '机密文件管理办法释义'],
    ['内部 and a list mark at the head', '内部、外部环境分析'],
    ['brackets around ordinary words', '（内部控制）'],
  ])('does not flag %s', (_, text) => {
    expect(detectClassificationMarkers(text)).toEqual([]);
  });
});
