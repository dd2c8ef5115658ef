import type { Link, Message } from './notice-message';
import { moreLine } from './notice-message';
import type { Language } from '../../workflows';

/**
 * Client text as no client links: invisible format characters (joiners, soft hyphens, direction
 * marks) dropped, a URL's scheme broken (`https：//`), and every dot (or full-width or ideographic
 * dot) between letters or digits (`evil.example`, `www.`, `10.0.0.1`) followed by a zero-width
 * space. Robot clients and mail clients link bare addresses in what they show.
 */
export function unlinked(text: string): string {
  return text
    .replace(/\p{Cf}/gu, '')
    .replace(/:\/\//g, '：//')
    .replace(/([\p{L}\p{N}\p{M}][.。．｡])(?=[\p{L}\p{N}\p{M}])/gu, '$1\u200B');
}

/**
 * Client text (titles, department names, an announcement's body) as markdown that shows it and
 * means nothing: every character that could open a link, a mention (`<@id>`), emphasis, a heading,
 * a quote, code or an HTML entity becomes its full-width twin. Robots' markdown dialects honour
 * backslash escapes unevenly, so nothing is left to an escape. Line breaks (Unicode's line and
 * paragraph separators too) become spaces unless `multiline`.
 *
 * Bare addresses are broken (`unlinked`); and as robot clients read some lines by how they start,
 * each line's indentation is dropped (no code block), and a line's leading `=`, `-`, `+` or `1.`
 * (a heading's underline, a rule, a list) becomes full-width too.
 */
export function markdownText(text: string, multiline = false): string {
  const flat = multiline ? text.replace(/\r\n?|[\u2028\u2029]/g, '\n') : text.replace(/[\r\n\u2028\u2029]+/g, ' ');
  return unlinked(flat)
    .split('\n')
    .map((line) =>
      line
        .replace(/^[ \t\u3000]+/, '')
        .replace(/[\\`*_[\]()<>#~|!@&]/g, (char) => FULL_WIDTH[char])
        .replace(/^[=+-]/, (char) => FULL_WIDTH[char])
        .replace(/^(\d+)\./, '$1．'),
    )
    .join('\n');
}

const FULL_WIDTH: Record<string, string> = {
  '\\': '＼',
  '`': '｀',
  '*': '＊',
  _: '＿',
  '[': '［',
  ']': '］',
  '(': '（',
  ')': '）',
  '<': '＜',
  '>': '＞',
  '#': '＃',
  '~': '～',
  '|': '｜',
  '!': '！',
  '@': '＠',
  // An entity (`&lt;@all&gt;`) a client decodes would bring back what the rest keeps out.
  '&': '＆',
  '=': '＝',
  '+': '＋',
  '-': '－',
};

const linkLine = (link: Link) => `[${link.label}](${link.url})`;

/**
 * The message as markdown lines: the title in bold, one quoted line per fact, the text, a digest's
 * sections, the link. Only our own links contain `](`: escaped client text cannot.
 */
export function markdownLines(message: Message, language: Language): string[] {
  return [
    `**${markdownText(message.title)}**`,
    ...message.facts.map((fact) => `> ${fact.label}：${markdownText(fact.value)}`),
    ...(message.text === null ? [] : markdownText(message.text, true).split('\n')),
    ...message.sections.flatMap((section) => [
      '',
      `**${markdownText(section.heading)}**`,
      ...section.items.map((item) => `- ${markdownText(item)}`),
      ...(section.more > 0 ? [moreLine(section.more, language)] : []),
      ...(section.link ? [linkLine(section.link)] : []),
    ]),
    ...(message.link ? ['', linkLine(message.link)] : []),
  ];
}

/** The markdown's size in bytes of UTF-8, with `tail` (the mentions). */
export function markdownBytes(message: Message, tail: string, language: Language): number {
  return Buffer.byteLength([...markdownLines(message, language), ...(tail ? [tail] : [])].join('\n'), 'utf8');
}

/**
 * A digest whose markdown would pass `maxBytes`: its sections' lists of titles shortened, from the
 * last section back, until it fits, the titles left out counted ("……另有 N 项"); every heading (count,
 * notice type, department) and link kept. Which groups a digest carries is the dispatcher's to fit:
 * no section is left out here. A message without sections is returned as it is.
 */
export function fitSections(message: Message, tail: string, maxBytes: number, language: Language): Message {
  if (message.sections.length === 0 || markdownBytes(message, tail, language) <= maxBytes) return message;
  const sections = message.sections.map((section) => ({ ...section, items: [...section.items] }));
  const fitted = { ...message, sections };
  for (const section of [...sections].reverse()) {
    while (section.items.length > 0) {
      section.items.pop();
      section.more += 1;
      if (markdownBytes(fitted, tail, language) <= maxBytes) return fitted;
    }
  }
  return fitted;
}

const ELLIPSIS = '…';

/**
 * The lines joined, within `maxBytes` of UTF-8 with `tail` (the mentions) always kept: whole lines
 * while they fit; then a text line cut on a character boundary, or a link line left out, and an
 * ellipsis. The message's own link is kept ahead of the cut when it fits.
 */
export function fitMarkdown(lines: string[], tail: string, maxBytes: number): string {
  const bytes = (text: string) => Buffer.byteLength(text, 'utf8');
  const link = lines.length > 0 && lines[lines.length - 1].includes('](') ? lines[lines.length - 1] : null;
  const whole = [...lines, ...(tail ? [tail] : [])].join('\n');
  if (bytes(whole) <= maxBytes) return whole;
  const end = [...(link ? [link] : []), ...(tail ? [tail] : [])];
  const budget = maxBytes - bytes(['', ...end].join('\n'));
  const body = link ? lines.slice(0, -1) : lines;
  let kept = '';
  for (const line of body) {
    const next = kept === '' ? line : `${kept}\n${line}`;
    if (bytes(next) + bytes(ELLIPSIS) <= budget) {
      kept = next;
      continue;
    }
    if (!line.includes('](')) kept = cutToBytes(kept === '' ? line : `${kept}\n${line}`, budget - bytes(ELLIPSIS));
    break;
  }
  return [`${kept}${ELLIPSIS}`, ...end].join('\n');
}

/** The longest start of `text` within `maxBytes` of UTF-8, cut between characters (code points). */
export function cutToBytes(text: string, maxBytes: number): string {
  let used = 0;
  let cut = '';
  for (const char of text) {
    used += Buffer.byteLength(char, 'utf8');
    if (used > maxBytes) break;
    cut += char;
  }
  return cut;
}
