import type { Language } from '../../workflows';
import { fitMarkdown, fitSections, markdownBytes, markdownLines } from './markdown';
import { safeMentions, type Mentions } from './mentions';
import type { Message } from './notice-message';

/** A WeCom group robot takes markdown content of at most this many bytes of UTF-8. */
export const WECOM_CONTENT_BYTES = 4096;

const wecomTail = (mentions: Mentions) => mentions.wecomUserIds.map((id) => `<@${id}>`).join('');

/** A WeCom group robot's markdown message; mentions as `<@userid>`. A digest too long lists fewer titles. */
export function wecomMessage(message: Message, mentions: Mentions, language: Language) {
  const tail = wecomTail(mentions);
  const fitted = fitSections(message, tail, WECOM_CONTENT_BYTES, language);
  return { msgtype: 'markdown', markdown: { content: fitMarkdown(markdownLines(fitted, language), tail, WECOM_CONTENT_BYTES) } };
}

/** Whether the message, every title listed, fits a WeCom robot's content with these mentions. */
export function wecomFits(message: Message, mentions: Mentions, language: Language): boolean {
  return markdownBytes(message, wecomTail(safeMentions(mentions)), language) <= WECOM_CONTENT_BYTES;
}
