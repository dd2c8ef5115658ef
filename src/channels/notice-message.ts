import { DateTime } from 'luxon';
import { LABELS, labelOf, type Language, type Light, type RoundType } from '../../workflows';

/**
 * What a robot message or an e-mail says, before it is written in any format: plain text, so each
 * format escapes it its own way. Built from a delivery's stored body (the notice's JSON) when it is
 * sent, so several pending deliveries of one endpoint can become one digest.
 */
export interface Message {
  /** One line: what happened. */
  title: string;
  facts: Fact[];
  /** Free text: an announcement's body. */
  text: string | null;
  /** A digest's groups. */
  sections: Section[];
  link: Link | null;
}

export interface Fact {
  label: string;
  value: string;
}

export interface Link {
  label: string;
  url: string;
}

export interface Section {
  heading: string;
  items: string[];
  /** Items not listed. */
  more: number;
  link: Link | null;
}

/** What rendering needs besides the body: the language, the public address, and the names of departments the bodies name by id. */
export interface MessageContext {
  language: Language;
  publicUrl: string | null;
  timeZone: string;
  departmentNames: ReadonlyMap<string, string>;
}

/** A delivery's body as stored: the notice's JSON (see WebhookOutbox). */
export interface NoticeBody {
  id: string;
  type: string;
  event?: string;
  level?: number;
  finding?: {
    id: string;
    roundType: RoundType;
    title?: string;
    responsibleDepartmentId: string;
    deadline: string | null;
    light?: Light | null;
  };
  round?: { id: string; types: RoundType[]; departmentId: string; scheduledFor: string; unannounced: boolean };
  announcement?: { id: string; title: string; body: string };
}

/** Titles a digest lists in each group; the rest are counted. */
export const DIGEST_TITLES = 10;

const WORDS = {
  zh: {
    roundType: '查房类型',
    department: '责任科室',
    visited: '受检科室',
    finding: '问题',
    deadline: '整改时限',
    light: '督办灯',
    level: '督办级别',
    scheduledFor: '查房日期',
    open: '查看问题',
    openList: '查看问题清单',
    openCalendar: '查看查房日历',
    integrity: '一项廉政事项需要关注',
    integrityCount: (n: number) => `${n} 项廉政事项需要关注`,
    findings: (department: string, n: number, notice: string) => `${department}：${n} 项问题「${notice}」`,
    notices: (n: number, notice: string) => `${n} 条「${notice}」通知`,
    digest: (n: number) => `${n} 条通知汇总`,
    more: (n: number) => `……另有 ${n} 项`,
    unknownDepartment: '未知科室',
  },
  en: {
    roundType: 'Round type',
    department: 'Responsible department',
    visited: 'Department visited',
    finding: 'Finding',
    deadline: 'Deadline',
    light: 'Light',
    level: 'Escalation level',
    scheduledFor: 'Round date',
    open: 'Open the finding',
    openList: 'Open the problem list',
    openCalendar: 'Open the round calendar',
    integrity: 'An integrity matter needs attention',
    integrityCount: (n: number) => `${n} integrity matters need attention`,
    findings: (department: string, n: number, notice: string) => `${department}: ${n} findings "${notice}"`,
    notices: (n: number, notice: string) => `${n} notices "${notice}"`,
    digest: (n: number) => `Digest of ${n} notices`,
    more: (n: number) => `… and ${n} more`,
    unknownDepartment: 'Unknown department',
  },
};

/** An integrity matter is told only that it needs attention: no title, department or description leaves the service. */
export function isIntegrity(body: NoticeBody): boolean {
  return body.finding?.roundType === 'integrity' || (body.round?.types.includes('integrity') ?? false);
}

/** The message of one notice. */
export function noticeMessage(body: NoticeBody, context: MessageContext): Message {
  const words = WORDS[context.language];
  const link = (path: string, label: string): Link | null => (context.publicUrl ? { label, url: `${context.publicUrl.replace(/\/+$/, '')}/console${path}` } : null);
  const empty = { facts: [], text: null, sections: [] };
  if (body.finding) {
    const { finding } = body;
    const open = link(`/findings/${encodeURIComponent(finding.id)}`, words.open);
    if (isIntegrity(body)) return { ...empty, title: words.integrity, link: open };
    const facts: Fact[] = [
      { label: words.roundType, value: label('roundType', finding.roundType, context) },
      { label: words.department, value: departmentName(finding.responsibleDepartmentId, context) },
      { label: words.finding, value: finding.title ?? '' },
      { label: words.deadline, value: deadlineDate(finding.deadline, context) },
      ...(finding.light ? [{ label: words.light, value: label('light', finding.light, context) }] : []),
      ...(body.level !== undefined ? [{ label: words.level, value: String(body.level) }] : []),
    ];
    return { ...empty, title: `${noticeLabel(body, context)}：${finding.title ?? ''}`, facts, link: open };
  }
  if (body.round) {
    const { round } = body;
    const calendar = link('/calendar', words.openCalendar);
    if (isIntegrity(body)) return { ...empty, title: words.integrity, link: calendar };
    const facts: Fact[] = [
      { label: words.roundType, value: round.types.map((type) => label('roundType', type, context)).join('、') },
      // An unannounced round's department stays out of messaging groups: it is told to the team, not the ward.
      ...(round.unannounced ? [] : [{ label: words.visited, value: departmentName(round.departmentId, context) }]),
      { label: words.scheduledFor, value: round.scheduledFor },
    ];
    return { ...empty, title: noticeLabel(body, context), facts, link: calendar };
  }
  const announcement = body.announcement!;
  return { ...empty, title: announcement.title, text: announcement.body, link: null };
}

/** The group of a digest a notice falls in: its type and department, or the one group of integrity matters. */
export function digestGroup(body: NoticeBody): string {
  return isIntegrity(body) ? 'integrity' : `${body.type}|${body.finding?.responsibleDepartmentId ?? body.round?.departmentId ?? ''}`;
}

/**
 * One message for many notices: grouped by notice type and department (integrity matters in one
 * group of their own, counted, never named), each group with up to DIGEST_TITLES titles and a link
 * to the problem list filtered to it.
 */
export function digestMessage(bodies: readonly NoticeBody[], context: MessageContext): Message {
  const words = WORDS[context.language];
  const groups = new Map<string, NoticeBody[]>();
  for (const body of bodies) {
    const key = digestGroup(body);
    groups.set(key, [...(groups.get(key) ?? []), body]);
  }
  const listLink = (query: string, label: string): Link | null =>
    context.publicUrl ? { label, url: `${context.publicUrl.replace(/\/+$/, '')}/console/findings${query}` } : null;
  const sections = [...groups.entries()].map(([key, members]): Section => {
    const [first] = members;
    if (key === 'integrity') return { heading: words.integrityCount(members.length), items: [], more: 0, link: listLink('?roundType=integrity', words.openList) };
    const titles = members.map((body) => body.finding?.title ?? body.announcement?.title ?? body.round?.scheduledFor ?? '');
    const shown = { items: titles.slice(0, DIGEST_TITLES), more: Math.max(0, titles.length - DIGEST_TITLES) };
    if (first.finding) {
      const departmentId = first.finding.responsibleDepartmentId;
      const heading = words.findings(departmentName(departmentId, context), members.length, noticeLabel(first, context));
      return { heading, ...shown, link: listLink(`?responsibleDepartmentId=${encodeURIComponent(departmentId)}`, words.openList) };
    }
    return { heading: words.notices(members.length, noticeLabel(first, context)), ...shown, link: null };
  });
  return { title: words.digest(bodies.length), facts: [], text: null, sections, link: null };
}

/** `……另有 N 项` / `… and N more`, for a section's unlisted items. */
export function moreLine(more: number, language: Language): string {
  return WORDS[language].more(more);
}

function noticeLabel(body: NoticeBody, context: MessageContext): string {
  return labelOf('notice', body.type)?.[context.language] ?? body.type;
}

function label(group: 'roundType' | 'light', name: string, context: MessageContext): string {
  const labels: Record<string, { zh: string; en: string }> = LABELS[group];
  return Object.hasOwn(labels, name) ? labels[name][context.language] : name;
}

function departmentName(id: string, context: MessageContext): string {
  return context.departmentNames.get(id) ?? WORDS[context.language].unknownDepartment;
}

/** The deadline's day in the hospital's time zone (a deadline ends a day). */
function deadlineDate(deadline: string | null, context: MessageContext): string {
  if (deadline === null) return '—';
  return DateTime.fromISO(deadline, { zone: context.timeZone }).toISODate() ?? deadline;
}
