import { createHmac } from 'node:crypto';
import { dingtalkMessage, dingtalkSign, signedDingtalkUrl } from './dingtalk';
import { emailContent } from './email';
import { cutToBytes, fitMarkdown, markdownText } from './markdown';
import { NO_MENTIONS } from './mentions';
import { DIGEST_TITLES, MessageContext, NoticeBody, digestMessage, noticeMessage } from './notice-message';
import { WECOM_CONTENT_BYTES, wecomMessage } from './wecom';
import { DINGTALK_TEXT_BYTES } from './dingtalk';
import { fittedDigest } from '../webhooks/webhook-dispatcher';
import type { WebhookDeliveryEntity } from '../webhooks/webhook.entities';

const CARDIOLOGY = '11111111-1111-4111-8111-111111111111';
const context = (extra: Partial<MessageContext> = {}): MessageContext => ({
  language: 'zh',
  publicUrl: 'https://rounds.hospital.example/',
  timeZone: 'Asia/Shanghai',
  departmentNames: new Map([[CARDIOLOGY, '心内科']]),
  ...extra,
});
const finding = (title: string | undefined, extra: Partial<NonNullable<NoticeBody['finding']>> = {}, type = 'overdue'): NoticeBody => ({
  id: 'n-1',
  type,
  event: 'DEADLINE_PASSED',
  finding: {
    id: 'f-1',
    roundType: 'administrative',
    ...(title !== undefined && { title }),
    responsibleDepartmentId: CARDIOLOGY,
    deadline: '2026-12-08T23:59:59.999+08:00',
    light: 'red',
    ...extra,
  },
});
const HOSTILE = '[点此处理](https://evil.example) <@all> **紧急** `x`\n# 标题 @13800000000 <font color="warning">!</font>';

describe('robot and e-mail messages', () => {
  it('name the round type, department, title, deadline and light, and link to the finding in the console', () => {
    const { content } = wecomMessage(noticeMessage(finding('抢救车药品过期'), context()), NO_MENTIONS, 'zh').markdown;
    expect(content.split('\n')).toEqual([
      '**已超期：抢救车药品过期**',
      '> 查房类型：行政查房',
      '> 责任科室：心内科',
      '> 问题：抢救车药品过期',
      '> 整改时限：2026-12-08',
      '> 督办灯：红灯',
      '',
      '[查看问题](https://rounds.hospital.example/console/findings/f-1)',
    ]);
    const english = emailContent(noticeMessage(finding('Expired drugs'), context({ language: 'en' })), 'en');
    expect(english.text).toContain('Deadline：2026-12-08');
    expect(english.text).toContain('Light：Red');
    expect(english.subject).toBe('Overdue：Expired drugs');
  });

  it('carry no link when PUBLIC_URL is unset', () => {
    const message = noticeMessage(finding('t'), context({ publicUrl: null }));
    expect(message.link).toBeNull();
    expect(wecomMessage(message, NO_MENTIONS, 'zh').markdown.content).not.toContain('](');
  });

  it('tell of an integrity matter only that it needs attention, with the link', () => {
    const body = finding(undefined, { roundType: 'integrity' });
    for (const language of ['zh', 'en'] as const) {
      const message = noticeMessage(body, context({ language }));
      expect(message).toEqual({
        title: language === 'zh' ? '一项廉政事项需要关注' : 'An integrity matter needs attention',
        facts: [],
        text: null,
        sections: [],
        link: { label: expect.any(String), url: 'https://rounds.hospital.example/console/findings/f-1' },
      });
    }
    const digest = digestMessage([body, { ...body, id: 'n-2' }, finding('普通问题')], context());
    expect(digest.sections.map((s) => [s.heading, s.items])).toEqual([
      ['2 项廉政事项需要关注', []],
      ['心内科：1 项问题「已超期」', ['普通问题']],
    ]);
  });

  it('escape client text so a title cannot add a link, a mention or markup', () => {
    const shown = markdownText(HOSTILE);
    for (const made of ['[', ']', '(', ')', '<', '>', '*', '`', '#', '@', '\n']) expect(shown).not.toContain(made);
    expect(shown).toBe('［点此处理］（https：//evil.\u200Bexample） ＜＠all＞ ＊＊紧急＊＊ ｀x｀ ＃ 标题 ＠13800000000 ＜font color="warning"＞！＜/font＞');
    // Bare addresses, which robot clients link, lose their scheme, and each dot before a name is broken, with or without `www.`.
    const bare = markdownText('登录 https://evil.example/sso 或 WWW.evil.example 或 http://www.evil.example/x 或 evil.example/sso 或 邮件 a@b.cn，版本 3.5');
    expect(bare).not.toMatch(/:\/\/|[a-z0-9]\.[a-z0-9]/i);
    expect(bare).toBe(
      '登录 https：//evil.\u200Bexample/sso 或 WWW.\u200Bevil.\u200Bexample 或 http：//www.\u200Bevil.\u200Bexample/x 或 evil.\u200Bexample/sso 或 邮件 a＠b.\u200Bcn，版本 3.\u200B5',
    );
    // An address by number, dots a browser reads as dots, and invisible characters hiding a dot's neighbours.
    expect(markdownText('访问 10.0.0.1:8080/x 或 evil。example 或 evil．example 或 evil｡example 或 evil.\u00ADexample 或 evil\u200D.example 或 e\u0301vil\u0301.com')).toBe(
      '访问 10.\u200B0.\u200B0.\u200B1:8080/x 或 evil。\u200Bexample 或 evil．\u200Bexample 或 evil｡\u200Bexample 或 evil.\u200Bexample 或 evil.\u200Bexample 或 e\u0301vil\u0301.\u200Bcom',
    );
    // Entities a client might decode, and Unicode's own line separator.
    expect(markdownText('&lt;@all&gt; &#91;x&#93;\u2028# 标题')).toBe('＆lt;＠all＆gt; ＆＃91;x＆＃93; ＃ 标题');
    // No line of client text can start a heading's underline, a rule, a list, a quote or a code block.
    const body = '通知\n=====\n    缩进的代码\n\t制表符\n- 列表\n+ 列表\n---\n1. 第一\n12. 第十二\n> 引用\n 2024-01-01 到期';
    const lines = markdownText(body, true).split('\n');
    expect(lines).toEqual(['通知', '＝====', '缩进的代码', '制表符', '－ 列表', '＋ 列表', '－--', '1． 第一', '12． 第十二', '＞ 引用', '2024-01-01 到期']);
    for (const line of lines) expect(line).not.toMatch(/^([=+\->\s]|\d+\.)/);
    const wecom = wecomMessage(noticeMessage(finding(HOSTILE), context({ departmentNames: new Map([[CARDIOLOGY, '<@zhangsan>[科](http://x)']]) })), NO_MENTIONS, 'zh');
    const ding = dingtalkMessage(noticeMessage(finding(HOSTILE), context()), NO_MENTIONS, 'zh');
    for (const text of [wecom.markdown.content, ding.markdown.text, ding.markdown.title]) {
      expect(text).not.toMatch(/<@|\]\(https:\/\/evil|\*\*紧急|<font|\n# /);
      expect(text.match(/\]\(/g)?.length ?? 0).toBeLessThanOrEqual(1);
    }
    const email = emailContent(noticeMessage(finding(HOSTILE), context()), 'zh');
    expect(email.html).not.toContain('<font');
    expect(email.html).toContain('&lt;font color=&quot;warning&quot;&gt;');
    // The plain text carries the title as typed, but for the address no mail client may link.
    expect(email.text).toContain('[点此处理](https：//evil.\u200Bexample) <@all> **紧急** `x`');
    expect(email.text + email.html).not.toMatch(/https?:\/\/evil|evil\.example/);
  });

  it('keep WeCom content within 4,096 bytes, cut between characters with an ellipsis, the link and mentions kept', () => {
    const long = '抢救车药品过期𠮷'.repeat(400);
    const mentions = { ...NO_MENTIONS, wecomUserIds: ['zhangsan', 'li.si'] };
    const { content } = wecomMessage(noticeMessage(finding(long), context()), mentions, 'zh').markdown;
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(WECOM_CONTENT_BYTES);
    expect(Buffer.byteLength(content, 'utf8')).toBeGreaterThan(WECOM_CONTENT_BYTES - 8);
    expect(content).not.toContain('\uFFFD');
    expect(Buffer.from(content, 'utf8').toString('utf8')).toBe(content);
    expect(content.split('\n').slice(-2)).toEqual(['[查看问题](https://rounds.hospital.example/console/findings/f-1)', '<@zhangsan><@li.si>']);
    expect(content).toContain('…');
    // A four-byte character is never split.
    expect(cutToBytes('a𠮷', 4)).toBe('a');
    expect(cutToBytes('a𠮷', 5)).toBe('a𠮷');
    expect(fitMarkdown(['短'], '', 10)).toBe('短');
  });

  it('gather many notices in a digest by notice type and department, listing some titles and counting the rest', () => {
    const bodies = Array.from({ length: 25 }, (_, i) => ({ ...finding(`问题 ${i + 1}`), id: `n-${i}` }));
    const digest = digestMessage([...bodies, finding('已交办的问题', {}, 'assigned')], context());
    expect(digest.title).toBe('26 条通知汇总');
    expect(digest.sections).toEqual([
      {
        heading: '心内科：25 项问题「已超期」',
        items: bodies.slice(0, DIGEST_TITLES).map((b) => b.finding!.title),
        more: 15,
        link: { label: '查看问题清单', url: `https://rounds.hospital.example/console/findings?responsibleDepartmentId=${CARDIOLOGY}` },
      },
      { heading: '心内科：1 项问题「已交办」', items: ['已交办的问题'], more: 0, link: expect.any(Object) },
    ]);
    const { content } = wecomMessage(digest, NO_MENTIONS, 'zh').markdown;
    expect(content).toContain('……另有 15 项');
  });

  it('fit a robot digest to the kind\'s bytes group by group, naming every notice it carries, the rest left for later messages', () => {
    // 480 overdue notices of 60 departments, as at one minute's budget of 1: each message carries
    // the groups that fit, and the deliveries it carries are exactly those its headings count.
    const names = new Map(Array.from({ length: 60 }, (_, d) => [`dept-${d}`, `第${d + 1}病区`]));
    const ctx = context({ departmentNames: names });
    const all = [...names.keys()].flatMap((departmentId, d) =>
      Array.from({ length: 8 }, (_, i) => ({
        id: `d-${d}-${i}`,
        body: JSON.stringify({ ...finding(`抢救车药品过期未及时更换，第${i + 1}项，请尽快整改`, { id: `f-${d}-${i}`, responsibleDepartmentId: departmentId }), id: `n-${d}-${i}` }),
      })),
    ) as WebhookDeliveryEntity[];
    for (const [kind, limit] of [['wecom', WECOM_CONTENT_BYTES], ['dingtalk', DINGTALK_TEXT_BYTES]] as const) {
      let pending = [...all.slice().sort((a, b) => a.id.localeCompare(b.id))];
      const carried: string[] = [];
      let messages = 0;
      while (pending.length > 0 && messages < 100) {
        const kept = fittedDigest({ kind }, pending, ctx, NO_MENTIONS);
        expect(kept.length).toBeGreaterThan(0);
        const bodies = kept.map((d) => JSON.parse(d.body) as NoticeBody);
        const message = digestMessage(bodies, ctx);
        const text = kind === 'wecom' ? wecomMessage(message, NO_MENTIONS, 'zh').markdown.content : dingtalkMessage(message, NO_MENTIONS, 'zh').markdown.text;
        expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(limit);
        if (messages === 0 && kind === 'wecom') expect(kept.length).toBeLessThan(all.length);
        // Every department it carries is named with its count; no department it does not carry.
        const headings = [...text.matchAll(/^\*\*(第\d+病区)：(\d+) 项问题「已超期」\*\*$/gm)].map(([, name, count]) => [name, Number(count)]);
        const expected = [...new Set(bodies.map((b) => names.get(b.finding!.responsibleDepartmentId)!))].map((name) => [name, 8]);
        expect(headings).toEqual(expected);
        expect(text.match(/\/console\/findings\?responsibleDepartmentId=/g)).toHaveLength(expected.length);
        carried.push(...kept.map((d) => d.id));
        const ids = new Set(kept.map((d) => d.id));
        pending = pending.filter((d) => !ids.has(d.id));
        messages += 1;
      }
      expect(carried.sort()).toEqual(all.map((d) => d.id).sort());
      expect(messages).toBeGreaterThan(kind === 'wecom' ? 5 : 1);
    }
  });

  it('shorten a group too long alone to fewer titles, keeping its heading, count and link', () => {
    const bodies = Array.from({ length: 12 }, (_, i) => ({ ...finding(`${'很长的问题描述'.repeat(60)}${i}`), id: `n-${i}` }));
    const { content } = wecomMessage(digestMessage(bodies, context()), NO_MENTIONS, 'zh').markdown;
    expect(Buffer.byteLength(content, 'utf8')).toBeLessThanOrEqual(WECOM_CONTENT_BYTES);
    const lines = content.split('\n');
    expect(lines).toContain('**心内科：12 项问题「已超期」**');
    expect(lines.filter((line) => line.startsWith('- ')).length).toBeLessThan(DIGEST_TITLES);
    const listed = lines.filter((line) => line.startsWith('- ')).length;
    expect(lines).toContain(`……另有 ${12 - listed} 项`);
    expect(lines.at(-1)).toBe(`[查看问题清单](https://rounds.hospital.example/console/findings?responsibleDepartmentId=${CARDIOLOGY})`);
    expect(content).not.toContain('…\n');
  });

  it('sign a DingTalk robot URL as DingTalk verifies it: base64 HMAC-SHA256 of timestamp, newline, secret; URL-encoded', () => {
    const secret = 'SEC0123456789abcdef0123456789abcdef';
    const at = new Date('2026-12-01T08:00:00Z');
    const url = signedDingtalkUrl('https://oapi.dingtalk.com/robot/send?access_token=abc', secret, at);
    const timestamp = String(at.getTime());
    const expected = createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
    expect(dingtalkSign(timestamp, secret)).toBe(expected);
    expect(url.toString()).toBe(`https://oapi.dingtalk.com/robot/send?access_token=abc&timestamp=${timestamp}&sign=${encodeURIComponent(expected)}`);
    const message = dingtalkMessage(noticeMessage(finding('t'), context()), { ...NO_MENTIONS, dingtalkUserIds: ['u1'], mobiles: ['13800000000'] }, 'zh');
    expect(message).toMatchObject({ msgtype: 'markdown', markdown: { title: '已超期：t' }, at: { atUserIds: ['u1'], atMobiles: ['13800000000'], isAtAll: false } });
    expect(message.markdown.text.endsWith('@u1 @13800000000')).toBe(true);
  });
});

describe('round notices and announcements as messages', () => {
  const round = (extra: Partial<NonNullable<NoticeBody['round']>> = {}): NoticeBody => ({
    id: 'n-r',
    type: 'round_tomorrow',
    event: 'REMIND',
    round: { id: 'r-1', types: ['administrative', 'party_building'], departmentId: CARDIOLOGY, scheduledFor: '2026-12-02', unannounced: false, ...extra },
  });

  it('name the round types, the department and the day, and link to the calendar', () => {
    expect(noticeMessage(round(), context())).toEqual({
      title: '明日查房',
      facts: [
        { label: '查房类型', value: '行政查房、党建查房' },
        { label: '受检科室', value: '心内科' },
        { label: '查房日期', value: '2026-12-02' },
      ],
      text: null,
      sections: [],
      link: { label: '查看查房日历', url: 'https://rounds.hospital.example/console/calendar' },
    });
  });

  it('leave out an unannounced round\'s department, and tell of a round with an integrity part only that it needs attention', () => {
    expect(noticeMessage(round({ unannounced: true }), context()).facts.map((f) => f.label)).toEqual(['查房类型', '查房日期']);
    const integrity = noticeMessage(round({ types: ['administrative', 'integrity'] }), context());
    expect(integrity).toMatchObject({ title: '一项廉政事项需要关注', facts: [] });
    expect(JSON.stringify(integrity)).not.toContain('心内科');
  });

  it('carry an announcement\'s title and body as text', () => {
    const body: NoticeBody = { id: 'n-a', type: 'announcement', event: 'PUBLISH', announcement: { id: 'a-1', title: '节前廉洁提醒', body: '第一行\n# 不是标题 [链接](http://x)' } };
    const { content } = wecomMessage(noticeMessage(body, context()), NO_MENTIONS, 'zh').markdown;
    expect(content.split('\n')).toEqual(['**节前廉洁提醒**', '第一行', '＃ 不是标题 ［链接］（http：//x）']);
  });
});
