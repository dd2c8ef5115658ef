import { createHmac } from 'node:crypto';
import type { Language } from '../../workflows';
import { cutToBytes, fitMarkdown, fitSections, markdownBytes, markdownLines, markdownText } from './markdown';
import { safeMentions, type Mentions } from './mentions';
import type { Message } from './notice-message';

/** DingTalk takes messages of about 20,000 bytes; the title is what the conversation list shows. */
export const DINGTALK_TEXT_BYTES = 18_000;
const DINGTALK_TITLE_BYTES = 200;

const dingtalkTail = (mentions: Mentions) => [...mentions.dingtalkUserIds, ...mentions.mobiles].map((id) => `@${id}`).join(' ');

/**
 * A DingTalk custom robot's markdown message; a mention needs both the `at` entry and `@id` in the
 * text. A digest too long lists fewer titles.
 */
export function dingtalkMessage(message: Message, mentions: Mentions, language: Language) {
  const tail = dingtalkTail(mentions);
  const fitted = fitSections(message, tail, DINGTALK_TEXT_BYTES, language);
  return {
    msgtype: 'markdown',
    markdown: { title: cutToBytes(markdownText(message.title), DINGTALK_TITLE_BYTES), text: fitMarkdown(markdownLines(fitted, language), tail, DINGTALK_TEXT_BYTES) },
    at: { atUserIds: mentions.dingtalkUserIds, atMobiles: mentions.mobiles, isAtAll: false },
  };
}

/** Whether the message, every title listed, fits a DingTalk robot's text with these mentions. */
export function dingtalkFits(message: Message, mentions: Mentions, language: Language): boolean {
  return markdownBytes(message, dingtalkTail(safeMentions(mentions)), language) <= DINGTALK_TEXT_BYTES;
}

/**
 * The robot's URL signed for a try at `at` (加签): `timestamp` in milliseconds and `sign`, the
 * base64 HMAC-SHA256 of `timestamp + "\n" + secret` under the secret, URL-encoded. DingTalk refuses
 * a timestamp more than an hour from its clock, so each try is signed afresh.
 */
export function signedDingtalkUrl(url: string, secret: string, at: Date): URL {
  const timestamp = String(at.getTime());
  const signed = new URL(url);
  signed.searchParams.set('timestamp', timestamp);
  signed.searchParams.set('sign', dingtalkSign(timestamp, secret));
  return signed;
}

export function dingtalkSign(timestamp: string, secret: string): string {
  return createHmac('sha256', secret).update(`${timestamp}\n${secret}`).digest('base64');
}
