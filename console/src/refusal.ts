import type { ApiError } from './api';
import type { useT } from './i18n';

/** A refusal worded for the person: 412 asks for a reload; a 409 names what is possible now; others give the service's reason. */
export function refusalText(error: ApiError, { t, label }: Pick<ReturnType<typeof useT>, 't' | 'label'>): string {
  if (error.statusCode === 412) return t('changedMeanwhile');
  const reason = error.message ?? String(error.statusCode ?? '');
  const possible = !Array.isArray(error.details) && error.details?.availableEvents;
  if (error.statusCode === 409 && possible) return t('notPossibleNow', { reason, events: possible.map((event) => label('event', event)).join('、') || '—' });
  return reason;
}

/** The call's refusal, worded by refusalText unless it is a 400 naming fields, which the form shows beside them. */
export const worded = (words: Pick<ReturnType<typeof useT>, 't' | 'label'>) => (error: ApiError) => {
  if (error.statusCode === 400 && Array.isArray(error.details)) throw error;
  throw { statusCode: error.statusCode, message: refusalText(error, words) } satisfies ApiError;
};

/** The first reason a refusal gives: a field's, else the service's message. */
export const firstReason = (error: ApiError): string => (Array.isArray(error.details) ? error.details[0]?.reason : undefined) ?? error.message ?? '';
