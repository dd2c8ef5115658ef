import { Image, List, Tag } from 'antd-mobile';
import { useCallback, useEffect, useState } from 'react';
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

export function FindingItem({ finding }: { finding: Schemas['FindingDto'] }) {
  const { t, label } = useLang();
  return (
    <List.Item
      className={`timeliness-${finding.timeliness}`}
      onClick={() => go('findings', finding.id)}
      description={`${label('roundType', finding.roundType)} · ${t('deadline')} ${formatDay(finding.deadline)}`}
      extra={<Tag color={finding.timeliness === 'on_track' ? 'success' : finding.timeliness === 'due_soon' ? 'warning' : 'danger'}>{label('state', finding.timeliness)}</Tag>}
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
