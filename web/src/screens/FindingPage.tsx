import { Button, Card, Dialog, Form, Input, List, NoticeBar, Popup, Space, Steps, Tag, TextArea, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { api, authFetch } from '../api/client';
import type { FindingEventBody, Schemas, StoredPhoto } from '../db';
import { useLang } from '../i18n';
import { discard, submit, useOutbox } from '../outbox';
import { formatDay, body, Thumbnails, useLoad } from './common';
import { PhotoPicker } from './PhotoPicker';
import { useDepartments } from './Rounds';

type Field = { name: string; kind: 'text' | 'date'; required: boolean };
const reason = (required = true): Field => ({ name: 'reason', kind: 'text', required });
const note = (required = false): Field => ({ name: 'note', kind: 'text', required });

/** What each event the app offers asks for; SUBMIT_EVIDENCE also takes files. Events not listed are left to the API. */
const EVENT_FIELDS: Record<string, Field[]> = {
  SUBMIT_PLAN: [{ name: 'measures', kind: 'text', required: true }, { name: 'committedDate', kind: 'date', required: true }],
  SUBMIT_EVIDENCE: [note(true)],
  REQUEST_EXTENSION: [reason(), { name: 'proposedDeadline', kind: 'date', required: true }],
  DISPUTE: [reason()],
  VERIFY_ACCEPT: [note()],
  VERIFY_REJECT: [reason()],
  AUDIT_APPROVE: [note()],
  AUDIT_REJECT: [reason()],
  ALLOW_SELF_AUDIT: [reason()],
  REOPEN: [reason()],
  TRANSFER: [reason()],
  UPHOLD: [reason(false)],
  WITHDRAW: [reason()],
  APPROVE_EXTENSION: [],
  DENY_EXTENSION: [reason()],
};

const FIELD_LABELS = { measures: 'measures', committedDate: 'committedDate', note: 'note', reason: 'reason', proposedDeadline: 'proposedDeadline' } as const;

/** An audit entry's state as one name: a round's is a string, a finding's the `progress` of its parallel state. */
const stateName = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : value && typeof value === 'object' ? stateName((value as { progress?: unknown }).progress ?? Object.values(value)[0]) : undefined;

/** A finding with its evidence beside it, what the caller may do now, and its history. */
export function FindingPage({ findingId }: { findingId: string }) {
  const { t } = useLang();
  const departments = useDepartments();
  const finding = useLoad(() => body(api.GET('/findings/{id}', { params: { path: { id: findingId } } })), [findingId]);
  const trail = useLoad(() => body(api.GET('/findings/{id}/audit', { params: { path: { id: findingId }, query: { limit: 500 } } })), [findingId]);
  const [acting, setActing] = useState<string | null>(null);
  const [caseFileOpen, setCaseFileOpen] = useState(false);
  const waiting = useOutbox().filter((item) => item.kind === 'findingEvent' && item.findingId === findingId);
  const pending = waiting.filter((item) => item.state === 'pending').length;

  // An action the outbox sent (or had refused) leaves the finding as the server has it now: read it again.
  useEffect(() => {
    if (pending > 0) return;
    finding.reload();
    trail.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [pending]);

  if (finding.error) return <p className="pad error-text">{finding.error}</p>;
  if (!finding.data) return null;
  const f = finding.data;
  return (
    <div>
      <div className="side-by-side">
        <Card title={f.title} extra={<Tag color="primary">{t(f.state)}</Tag>} className={`timeliness-${f.timeliness}`}>
          <p>{f.description}</p>
          <p className="muted">
            {t(f.roundType)} · {t(f.severity)} · {departments.get(f.responsibleDepartmentId)?.name}
            <br />
            {t('deadline')}: {formatDay(f.deadline)} <Tag color={f.timeliness === 'on_track' ? 'success' : 'danger'}>{t(f.timeliness)}</Tag>
          </p>
          <Thumbnails files={f.photos} />
        </Card>
        <Card title={t('evidence')}>
          {f.measures && <p><b>{t('measures')}:</b> {f.measures} ({t('committedDate')} {f.committedDate})</p>}
          {f.evidence ? (
            <>
              <p>{f.evidence.note}</p>
              <Thumbnails files={f.evidence.attachments} />
              <p className="muted">{f.evidence.attachments.map((file) => `${file.originalName} (${t('evidenceDate')} ${file.effectiveDate ?? '—'})`).join(', ')}</p>
            </>
          ) : (
            !f.measures && <p className="muted">{t('nothing')}</p>
          )}
        </Card>
      </div>
      {waiting.map((item) => (
        <NoticeBar
          key={item.id}
          wrap
          color={item.state === 'refused' ? 'error' : 'alert'}
          content={`${t(item.state)}: ${item.label}${item.error ? ` — ${item.error}` : ''}`}
          extra={item.state === 'refused' && <Button className="touch" fill="none" onClick={() => void discard(item.id)}>{t('discard')}</Button>}
        />
      ))}
      <div className="actions">
        {/* One action at a time: the next is decided on what the server made of the one waiting. */}
        {pending === 0 &&
          f.availableEvents.filter((event) => event in EVENT_FIELDS).map((event) => (
            <Button key={event} size="large" color={/REJECT|DISPUTE|REOPEN/.test(event) ? 'danger' : 'primary'} onClick={() => setActing(event)}>
              {t(event)}
            </Button>
          ))}
        <Button size="large" onClick={() => setCaseFileOpen(true)}>{t('caseFile')}</Button>
      </div>
      <Card title={t('history')} className="item-card">
        <Steps direction="vertical">
          {(trail.data?.items ?? []).map((entry) => {
            const state = stateName(entry.to);
            return (
              <Steps.Step
                key={entry.seq}
                status="finish"
                title={`${t(entry.event)}${state ? ` → ${t(state)}` : ''}`}
                description={`${new Date(entry.at).toLocaleString()} · ${t(entry.actorRole)}${typeof entry.payload.reason === 'string' ? ` · ${entry.payload.reason}` : ''}`}
              />
            );
          })}
        </Steps>
      </Card>
      {acting && <EventForm finding={f} event={acting} onClose={() => setActing(null)} />}
      {caseFileOpen && <CaseFile findingId={f.id} onClose={() => setCaseFileOpen(false)} />}
    </div>
  );
}

function EventForm({ finding, event, onClose }: { finding: Schemas['FindingDto']; event: string; onClose(): void }) {
  const { t } = useLang();
  const [files, setFiles] = useState<StoredPhoto[]>([]);
  const [busy, setBusy] = useState(false);
  const send = async (values: Record<string, string>) => {
    setBusy(true);
    const payload = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
    const answer = await submit({
      id: crypto.randomUUID(),
      kind: 'findingEvent',
      findingId: finding.id,
      version: finding.version,
      label: `${t(event)} · ${finding.title}`,
      photos: files,
      body: { type: event, ...payload } as FindingEventBody,
    });
    setBusy(false);
    if (answer.outcome === 'refused') return void Dialog.alert({ content: answer.reason });
    if (answer.outcome === 'queued') Toast.show({ content: t('savedOffline') });
    onClose();
  };
  return (
    <Popup visible onMaskClick={onClose} position="bottom" bodyStyle={{ maxHeight: '90vh', overflowY: 'auto' }}>
      <Form
        layout="vertical"
        onFinish={send}
        footer={
          <Space block direction="vertical">
            <Button block type="submit" color="primary" size="large" loading={busy}>{t(event)}</Button>
            <Button block size="large" onClick={onClose}>{t('cancel')}</Button>
          </Space>
        }
      >
        <Form.Header>{`${t(event)} · ${finding.title}`}</Form.Header>
        {EVENT_FIELDS[event].map((field) => (
          <Form.Item key={field.name} name={field.name} label={t(FIELD_LABELS[field.name as keyof typeof FIELD_LABELS])} rules={field.required ? [{ required: true, message: t('required') }] : []}>
            {field.kind === 'date' ? <Input id={`event-${field.name}`} type="date" aria-label={t(FIELD_LABELS[field.name as keyof typeof FIELD_LABELS])} /> : <TextArea id={`event-${field.name}`} aria-label={t(FIELD_LABELS[field.name as keyof typeof FIELD_LABELS])} autoSize />}
          </Form.Item>
        ))}
        {event === 'SUBMIT_EVIDENCE' && (
          <Form.Item label={t('files')}>
            <PhotoPicker id="evidence-files" photos={files} onChange={setFiles} accept="image/*,application/pdf" />
          </Form.Item>
        )}
      </Form>
    </Popup>
  );
}

/** The finding's case file (案卷): every entry with its chain link, every file with its check, and a page to print. */
function CaseFile({ findingId, onClose }: { findingId: string; onClose(): void }) {
  const { t } = useLang();
  const file = useLoad(async () => {
    const answer = await body(api.GET('/findings/{id}/case-file', { params: { path: { id: findingId } } }));
    // The JSON form unless ?format=html was asked for.
    if (typeof answer === 'string') throw new Error(answer);
    return answer;
  }, [findingId]);
  const print = async () => {
    // Opened before the fetch, while the tap still allows a new window.
    const page = window.open('', '_blank');
    try {
      const response = await authFetch(new Request(`${location.origin}/findings/${findingId}/case-file?format=html`));
      if (!response.ok) throw new Error(`${response.status}`);
      const url = URL.createObjectURL(await response.blob());
      if (page) page.location.href = url;
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    } catch (error) {
      page?.close();
      Dialog.alert({ content: String(error) });
    }
  };
  return (
    <Popup visible onMaskClick={onClose} position="bottom" bodyStyle={{ maxHeight: '90vh', overflowY: 'auto' }}>
      <List header={t('caseFile')}>
        {file.error && <List.Item><span className="error-text">{file.error}</span></List.Item>}
        {file.data && (
          <>
            <List.Item
              extra={<Tag color={file.data.intact ? 'success' : 'danger'}>{t(file.data.intact ? 'chainOk' : 'chainBroken')}</Tag>}
              description={t('entriesChecked', { n: file.data.entries.length })}
            >
              {file.data.finding.title}
            </List.Item>
            {file.data.entries.map((entry) => (
              <List.Item
                key={entry.seq}
                data-case-entry={entry.seq}
                description={`${new Date(entry.at).toLocaleString()} · ${entry.actorName ?? t('system')}`}
                extra={<Tag color={entry.linked ? 'success' : 'danger'}>{t(entry.linked ? 'linked' : 'notLinked')}</Tag>}
              >
                {`${entry.seq}. ${t(entry.event)}`}
              </List.Item>
            ))}
            {file.data.attachments.map((attachment) => (
              <List.Item key={attachment.id} extra={<Tag color={attachment.intact ? 'success' : 'danger'}>{t(attachment.intact ? 'fileIntact' : 'fileChanged')}</Tag>}>
                {attachment.originalName}
              </List.Item>
            ))}
          </>
        )}
      </List>
      <div className="pad">
        <Space block direction="vertical">
          <Button block size="large" color="primary" onClick={() => void print()}>{t('print')}</Button>
          <Button block size="large" onClick={onClose}>{t('close')}</Button>
        </Space>
      </div>
    </Popup>
  );
}
