import escapeHtml from 'escape-html';
import type { Language } from '../../workflows';
import { unlinked } from './markdown';
import { moreLine, type Message } from './notice-message';

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
}

/**
 * An e-mail's subject, plain text and HTML: every piece of client text is `unlinked` (a mail client
 * links bare addresses in plain text and HTML alike), and escaped in the HTML.
 */
export function emailContent(given: Message, language: Language): EmailContent {
  const message = clientTextUnlinked(given);
  const text = [
    message.title,
    '',
    ...message.facts.map((fact) => `${fact.label}：${fact.value}`),
    ...(message.text === null ? [] : [message.text]),
    ...message.sections.flatMap((section) => [
      '',
      section.heading,
      ...section.items.map((item) => `- ${item}`),
      ...(section.more > 0 ? [moreLine(section.more, language)] : []),
      ...(section.link ? [`${section.link.label}: ${section.link.url}`] : []),
    ]),
    ...(message.link ? ['', `${message.link.label}: ${message.link.url}`] : []),
  ].join('\n');
  const link = (l: { label: string; url: string }) => `<p><a href="${escapeHtml(l.url)}">${escapeHtml(l.label)}</a></p>`;
  const html = [
    `<!DOCTYPE html><html lang="${language === 'zh' ? 'zh-CN' : 'en'}"><head><meta charset="utf-8"><title>${escapeHtml(message.title)}</title></head><body>`,
    `<h2>${escapeHtml(message.title)}</h2>`,
    ...(message.facts.length > 0 ? [`<table>${message.facts.map((f) => `<tr><th align="left">${escapeHtml(f.label)}</th><td>${escapeHtml(f.value)}</td></tr>`).join('')}</table>`] : []),
    ...(message.text === null ? [] : [`<p style="white-space: pre-wrap">${escapeHtml(message.text)}</p>`]),
    ...message.sections.map(
      (section) =>
        `<h3>${escapeHtml(section.heading)}</h3><ul>${section.items.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>` +
        (section.more > 0 ? `<p>${escapeHtml(moreLine(section.more, language))}</p>` : '') +
        (section.link ? link(section.link) : ''),
    ),
    ...(message.link ? [link(message.link)] : []),
    '</body></html>',
  ].join('\n');
  return { subject: message.title.replace(/[\r\n]+/g, ' '), text, html };
}

/** The message with its client text (title, facts' values, text, sections' headings and items) unlinked; labels and links are the service's own. */
function clientTextUnlinked(message: Message): Message {
  return {
    ...message,
    title: unlinked(message.title),
    facts: message.facts.map((fact) => ({ ...fact, value: unlinked(fact.value) })),
    text: message.text === null ? null : unlinked(message.text),
    sections: message.sections.map((section) => ({ ...section, heading: unlinked(section.heading), items: section.items.map(unlinked) })),
  };
}
