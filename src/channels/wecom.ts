import type { Language } from '../../workflows';
import { fitMarkdown, markdownLines } from './markdown';
import type { Mentions } from './mentions';
import type { Message } from './notice-message';

/** A WeCom group robot takes markdown content of at most this many bytes of UTF-8. */
export const WECOM_CONTENT_BYTES = 4096;

/** A WeCom group robot's markdown message; mentions as `<@userid>`. */
export function wecomMessage(message: Message, mentions: Mentions, language: Language) {
  const tail = mentions.wecomUserIds.map((id) => `<@${id}>`).join('');
  return { msgtype: 'markdown', markdown: { content: fitMarkdown(markdownLines(message, language), tail, WECOM_CONTENT_BYTES) } };
}
