import { Button, Card, Dialog, Form, Input, List, NoticeBar, Popup, Space, Steps, Tag, TextArea, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { api, authFetch } from '../api/client';
import type { FindingEventBody, Schemas, StoredPhoto } from '../db';
import { type Word, useLang } from '../i18n';
import { discard, submit, useOutbox } from '../outbox';
import { FindingFacts, LightTag, formatDay, body, Thumbnails, useLoad } from './common';
import { PhotoPicker } from './PhotoPicker';
import { useDepartments } from './Rounds';

type EventType = FindingEventBody['type'];
/** What the form asks for of an event's body: its files (`attachmentIds`) come from the photo picker. */
type FormFields<E extends EventType> = Omit<Extract<FindingEventBody, { type: E }>, 'type' | 'attachmentIds'>;
type RequiredFields<T> = { [K in keyof T]-?: {} extends Pick<T, K> ? never : K }[keyof T];
type Field<Required extends boolean> = { kind: 'text' | 'date'; required: Required };
/**
 * An event's form, checked against the service's schema for its body: every field the body requires,
 * required; any optional field it offers, optional; no field the body lacks.
 */
type EventForm<T> = { [K in RequiredFields<T>]: Field<true> } & { [K in Exclude<keyof T, RequiredFields<T>>]?: Field<false> };

const text = <Required extends boolean>(required: Required): Field<Required> => ({ kind: 'text', required });
const date = <Required extends boolean>(required: Required): Field<Required> => ({ kind: 'date', required });

/** What each event the app offers asks for (its files apart: EVENT_FILES). Events not listed are left to the API. */
const EVENT_FIELDS = {
  ACKNOWLEDGE: { note: text(false) },
  SUBMIT_PLAN: { measures: text(true), committedDate: date(true) },
  SUBMIT_EVIDENCE: { note: text(true) },
  REQUEST_EXTENSION: { reason: text(true), proposedDeadline: date(true) },
  DISPUTE: { reason: text(true) },
  VERIFY_ACCEPT: { note: text(false) },
  VERIFY_REJECT: { reason: text(true) },
  AUDIT_APPROVE: { note: text(false) },
  AUDIT_REJECT: { reason: text(true) },
  ALLOW_SELF_AUDIT: { reason: text(true) },
  REOPEN: { reason: text(true) },
  TRANSFER: { reason: text(true) },
  UPHOLD: { reason: text(false) },
  WITHDRAW: { reason: text(true) },
  APPROVE_EXTENSION: {},
  DENY_EXTENSION: { reason: text(true) },
  SET_DEADLINE: { deadline: date(true), reason: text(true) },
  SCHEDULE_FOLLOW_UP: { dueOn: date(true) },
  FOLLOW_UP_PASSED: { note: text(false) },
  FOLLOW_UP_FAILED: { reason: text(true), deadline: date(true) },
} satisfies { [E in EventType]?: EventForm<FormFields<E>> };

type OfferedEvent = keyof typeof EVENT_FIELDS;
const isOffered = (event: string): event is OfferedEvent => event in EVENT_FIELDS;
type FieldName = { [E in OfferedEvent]: keyof (typeof EVENT_FIELDS)[E] }[OfferedEvent];

const FIELD_LABELS: Record<FieldName, Word> = {
  measures: 'measures',
  committedDate: 'committedDate',
  note: 'note',
  reason: 'reason',
  proposedDeadline: 'proposedDeadline',
  deadline: 'newDeadline',
  dueOn: 'followUpDue',
};

/** The events whose body takes files (`attachmentIds`, uploaded first by the outbox). */
type EventWithFiles = { [E in EventType]: 'attachmentIds' extends keyof Extract<FindingEventBody, { type: E }> ? E : never }[EventType];
/** What the picker takes for each: evidence may be a scanned document, a follow-up check is photographed on site. */
const EVENT_FILES: Record<EventWithFiles, string> = {
  SUBMIT_EVIDENCE: 'image/*,application/pdf',
  FOLLOW_UP_PASSED: 'image/*',
  FOLLOW_UP_FAILED: 'image/*',
};
const filesOf = (event: OfferedEvent): string | undefined => (event in EVENT_FILES ? EVENT_FILES[event as EventWithFiles] : undefined);

/** An audit entry's state as one name: a round's is a string, a finding's the `progress` of its parallel state. */
const stateName = (value: unknown): string | undefined =>
  typeof value === 'string' ? value : value && typeof value === 'object' ? stateName((value as { progress?: unknown }).progress ?? Object.values(value)[0]) : undefined;

/** A finding with its evidence beside it, what the caller may do now, and its history. */
export function FindingPage({ findingId }: { findingId: string }) {
  const { t, label } = useLang();
  const departments = useDepartments();
  const finding = useLoad(() => body(api.GET('/findings/{id}', { params: { path: { id: findingId } } })), [findingId]);
  const trail = useLoad(() => body(api.GET('/findings/{id}/audit', { params: { path: { id: findingId }, query: { limit: 500 } } })), [findingId]);
  const [acting, setActing] = useState<OfferedEvent | null>(null);
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
        <Card title={f.title} extra={<Tag color="primary">{label('state', f.state)}</Tag>} className={`timeliness-${f.timeliness}`}>
          <p>{f.description}</p>
          <p className="muted">
            {label('source', f.source)}
            {f.externalRef && ` (${t('listReference')} ${f.externalRef})`} · {label('roundType', f.roundType)} · {label('severity', f.severity)} ·{' '}
            {departments.get(f.responsibleDepartmentId)?.name}
            <br />
            {t('deadline')}: {formatDay(f.deadline)} <Tag color={f.timeliness === 'on_track' ? 'success' : 'danger'}>{label('state', f.timeliness)}</Tag>{' '}
            {f.light && <LightTag light={f.light} />}
            <br />
            <FindingFacts finding={f} />
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
          f.availableEvents.filter(isOffered).map((event) => (
            <Button key={event} size="large" color={/REJECT|DISPUTE|REOPEN|FAILED/.test(event) ? 'danger' : 'primary'} onClick={() => setActing(event)}>
              {label('event', event)}
            </Button>
          ))}
        <Button size="large" onClick={() => setCaseFileOpen(true)}>{t('caseFile')}</Button>
      </div>
      <Card title={t('history')} className="item-card">
        <Steps direction="vertical">
          {(trail.data?.items ?? []).map((entry, i) => {
            const state = stateName(entry.to);
            return (
              <Steps.Step
                key={entry.seq ?? `linking-${i}`}
                status="finish"
                title={`${label('event', entry.event)}${state ? ` → ${label('state', state)}` : ''}`}
                description={`${new Date(entry.at).toLocaleString()} · ${label('role', entry.actorRole)}${typeof entry.payload.reason === 'string' ? ` · ${entry.payload.reason}` : ''}`}
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

function EventForm({ finding, event, onClose }: { finding: Schemas['FindingDto']; event: OfferedEvent; onClose(): void }) {
  const { t, label } = useLang();
  const [files, setFiles] = useState<StoredPhoto[]>([]);
  const [busy, setBusy] = useState(false);
  const accept = filesOf(event);
  const send = async (values: Record<string, string>) => {
    setBusy(true);
    const payload = Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined && value !== ''));
    const answer = await submit({
      id: crypto.randomUUID(),
      kind: 'findingEvent',
      findingId: finding.id,
      version: finding.version,
      label: `${label('event', event)} · ${finding.title}`,
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
        name="event"
        layout="vertical"
        onFinish={send}
        footer={
          <Space block direction="vertical">
            <Button block type="submit" color="primary" size="large" loading={busy}>{label('event', event)}</Button>
            <Button block size="large" onClick={onClose}>{t('cancel')}</Button>
          </Space>
        }
      >
        <Form.Header>{`${label('event', event)} · ${finding.title}`}</Form.Header>
        {(Object.entries(EVENT_FIELDS[event]) as [FieldName, Field<boolean>][]).map(([name, field]) => (
          <Form.Item key={name} name={name} label={t(FIELD_LABELS[name])} rules={field.required ? [{ required: true, message: t('required') }] : []}>
            {/* The form's name makes each control's id `event_<field>`, the id its label is for. */}
            {field.kind === 'date' ? <Input type="date" /> : <TextArea autoSize />}
          </Form.Item>
        ))}
        {accept && (
          <Form.Item label={t(accept === 'image/*' ? 'photos' : 'files')}>
            <PhotoPicker id="event-files" photos={files} onChange={setFiles} accept={accept} />
          </Form.Item>
        )}
      </Form>
    </Popup>
  );
}

/** The finding's case file (案卷): every entry with its chain link, every file with its check, and a page to print. */
function CaseFile({ findingId, onClose }: { findingId: string; onClose(): void }) {
  const { t, label } = useLang();
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
            {file.data.entries.map((entry, i) => (
              <List.Item
                key={entry.seq ?? `linking-${i}`}
                data-case-entry={entry.seq ?? ''}
                description={`${new Date(entry.at).toLocaleString()} · ${entry.actorName ?? label('role', 'system')}`}
                extra={
                  entry.hash === null ? (
                    <Tag color="warning">{t('linking')}</Tag>
                  ) : (
                    <Tag color={entry.linked ? 'success' : 'danger'}>{t(entry.linked ? 'linked' : 'notLinked')}</Tag>
                  )
                }
              >
                {`${entry.seq}. ${label('event', entry.event)}`}
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
