import { Button, Card, Dialog, Form, Input, Popup, Space, Steps, Tag, TextArea } from 'antd-mobile';
import { useState } from 'react';
import { api, reasonOf, uploadAttachment } from '../api/client';
import type { Schemas, StoredPhoto } from '../db';
import { useLang } from '../i18n';
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
  if (finding.error) return <p className="pad error-text">{finding.error}</p>;
  if (!finding.data) return null;
  const f = finding.data;
  const done = () => {
    setActing(null);
    finding.reload();
    trail.reload();
  };
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
      <div className="actions">
        {f.availableEvents.filter((event) => event in EVENT_FIELDS).map((event) => (
          <Button key={event} size="large" color={/REJECT|DISPUTE|REOPEN/.test(event) ? 'danger' : 'primary'} onClick={() => setActing(event)}>
            {t(event)}
          </Button>
        ))}
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
                description={`${new Date(entry.at).toLocaleString()} · ${entry.actorRole}${typeof entry.payload.reason === 'string' ? ` · ${entry.payload.reason}` : ''}`}
              />
            );
          })}
        </Steps>
      </Card>
      {acting && <EventForm finding={f} event={acting} onClose={() => setActing(null)} onDone={done} />}
    </div>
  );
}

function EventForm({ finding, event, onClose, onDone }: { finding: Schemas['FindingDto']; event: string; onClose(): void; onDone(): void }) {
  const { t } = useLang();
  const [files, setFiles] = useState<StoredPhoto[]>([]);
  const [busy, setBusy] = useState(false);
  const send = async (values: Record<string, string>) => {
    setBusy(true);
    try {
      const attachmentIds: string[] = [];
      for (const file of files) attachmentIds.push((await body(uploadAttachment(file, crypto.randomUUID()))).id);
      const payload = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
      const { error, response } = await api.POST('/findings/{id}/events', {
        params: { path: { id: finding.id } },
        body: { type: event, ...payload, ...(attachmentIds.length > 0 && { attachmentIds }) } as never,
        headers: { 'If-Match': String(finding.version), 'Idempotency-Key': crypto.randomUUID() },
      });
      if (!response.ok) return void Dialog.alert({ content: reasonOf(error) });
      onDone();
    } catch (error) {
      Dialog.alert({ content: navigator.onLine ? reasonOf(error) : t('needsNetwork') });
    } finally {
      setBusy(false);
    }
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
