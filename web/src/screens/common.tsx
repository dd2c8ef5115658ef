import { Image, List, Tag } from 'antd-mobile';
import { type CSSProperties, createContext, useCallback, useContext, useEffect, useState } from 'react';
import { authFetch } from '../api/client';
import type { Schemas } from '../db';
import { useLang } from '../i18n';
import { go } from '../route';

/** Loads once and on `reload()`; `error` holds the server's or the network's reason. */
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  // eslint-disable-next-line react-hooks/exhaustive-deps
  const run = useCallback(() => void load().then((value) => (setData(value), setError(null)), (reason) => setError(String(reason))), deps);
  useEffect(run, [run]);
  return { data, error, reload: run };
}

/** An API answer's body, or a thrown error with the server's message. */
export async function body<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  if (!response.ok) throw new Error((error as { message?: string } | undefined)?.message ?? `${response.status}`);
  return data as T;
}

export const formatDay = (iso: string | null | undefined) => (iso ? iso.slice(0, 10) : '—');

/** The person signed in on this device, for what concerns them personally. */
const SignedIn = createContext<Schemas['UserDto']>(null as never);
export const SignedInProvider = SignedIn.Provider;

type Finding = Schemas['FindingDto'];

/** Closed, withdrawn or transferred: its deadline and receipt are history. */
const isSettled = (finding: Finding) => finding.state === 'closed' || finding.state === 'withdrawn' || finding.state === 'transferred';

/** A tag's colours for each supervision light; its label says which, so the colour is never the only sign. */
const LIGHT_COLOURS: Record<NonNullable<Finding['light']>, { color: string; text?: string }> = {
  red: { color: 'danger' },
  // Yellow with dark text: white on yellow is unreadable (WCAG AA).
  yellow: { color: '#fadb14', text: '#1f1f1f' },
  green: { color: 'success' },
};

/** The supervision light (督办红黄绿灯) of an open finding. */
export function LightTag({ light }: { light: NonNullable<Finding['light']> }) {
  const { t, label } = useLang();
  const { color, text } = LIGHT_COLOURS[light];
  return (
    <Tag color={color} data-light={light} style={text ? ({ '--text-color': text } as CSSProperties) : undefined}>
      {t('light', { light: label('light', light) })}
    </Tag>
  );
}

/**
 * What a department reads of a finding beside its title, on a list and on its page: while open, its
 * receipt (签收) and by when; whether the signed-in person is the one answerable for it, and its follow-up check.
 * The responsible person is named only when it is the reader: department staff may not look users up.
 */
export function FindingFacts({ finding }: { finding: Finding }) {
  const { t, label } = useLang();
  const user = useContext(SignedIn);
  const { receipt } = finding;
  const facts = [
    !isSettled(finding) &&
      `${t('receipt')}: ${label('state', receipt.state)}${receipt.state !== 'acknowledged' && receipt.due ? ` · ${t('receiptDue')} ${formatDay(receipt.due)}` : ''}`,
    finding.responsiblePersonId === user.id && t('youAreResponsible'),
    finding.followUp && `${t('followUpDue')} ${finding.followUp.dueOn}`,
    finding.relapses > 0 && t('relapses', { n: finding.relapses }),
  ].filter((fact): fact is string => typeof fact === 'string');
  return <span>{facts.join(' · ')}</span>;
}

export function FindingItem({ finding }: { finding: Finding }) {
  const { t, label } = useLang();
  return (
    <List.Item
      className={`timeliness-${finding.timeliness}`}
      onClick={() => go('findings', finding.id)}
      description={
        <>
          {`${label('source', finding.source)} · ${label('roundType', finding.roundType)}`}
          {!isSettled(finding) && ` · ${t('deadline')} ${formatDay(finding.deadline)} (${label('state', finding.timeliness)})`}
          <br />
          <FindingFacts finding={finding} />
        </>
      }
      extra={finding.light && <LightTag light={finding.light} />}
    >
      {finding.title} <Tag className="result-tag" fill="outline">{label('state', finding.state)}</Tag>
    </List.Item>
  );
}

/** An attachment's thumbnail: fetched with the user's token, which an <img> alone would not send. */
function Thumbnail({ file }: { file: { id: string; originalName: string } }) {
  const [url, setUrl] = useState<string>();
  useEffect(() => {
    let objectUrl: string | undefined;
    authFetch(new Request(`${location.origin}/attachments/${file.id}/thumbnail`))
      .then((response) => (response.ok ? response.blob() : undefined))
      .then((blob) => blob && setUrl((objectUrl = URL.createObjectURL(blob))))
      // Offline and not cached: the image's placeholder stays.
      .catch(() => undefined);
    return () => {
      if (objectUrl) URL.revokeObjectURL(objectUrl);
    };
  }, [file.id]);
  return <Image src={url} alt={file.originalName} width={96} height={96} fit="cover" lazy={false} />;
}

export function Thumbnails({ files }: { files: { id: string; originalName: string }[] }) {
  return (
    <div className="thumbs">
      {files.map((file) => (
        <Thumbnail key={file.id} file={file} />
      ))}
    </div>
  );
}
