import { Alert, App, Button, DatePicker, Descriptions, Form, Image, Input, Modal, Select, Space, Spin, Tag, Timeline, Typography } from 'antd';
import dayjs from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { ApiError, Schemas, api, ok } from '../api';
import { Word, useT } from '../i18n';
import { useServerSubmit } from '../lists';
import { openCaseFile } from '../files';
import { LIGHT_COLOURS } from './lights';
import { PageHeading } from '../page-heading';
import { dateTime } from '../time';

type Finding = Schemas['FindingDto'];
type AuditEntry = Schemas['AuditEntryDto'];
type Field = 'reason' | 'note' | 'departmentId' | 'deadline' | 'dueOn';

/** The events the page has a form for, and their fields (the event DTOs' bodies); the rest the tablet app sends. */
const EVENT_FORMS: Record<string, Field[]> = {
  VERIFY_ACCEPT: ['note'],
  VERIFY_REJECT: ['reason'],
  REASSIGN: ['departmentId', 'reason'],
  SET_DEADLINE: ['deadline', 'reason'],
  WITHDRAW: ['reason'],
  AUDIT_APPROVE: ['note'],
  AUDIT_REJECT: ['reason'],
  REOPEN: ['reason'],
  APPROVE_EXTENSION: ['deadline'],
  DENY_EXTENSION: ['reason'],
  SCHEDULE_FOLLOW_UP: ['dueOn'],
  FOLLOW_UP_PASSED: ['note'],
  FOLLOW_UP_FAILED: ['reason', 'deadline'],
};
const FIELD_WORDS: Record<Field, Word> = { reason: 'reason', note: 'note', departmentId: 'newDepartment', deadline: 'newDeadline', dueOn: 'dueOn' };

/** A finding: what it is, its evidence, its timeline, and the events the caller may send now (the service's availableEvents). */
export default function FindingPage() {
  const { id } = useParams() as { id: string };
  const { t, label } = useT();
  const { message } = App.useApp();
  const [finding, setFinding] = useState<Finding | null>(null);
  const [trail, setTrail] = useState<AuditEntry[]>([]);
  const [departments, setDepartments] = useState<Schemas['DepartmentDto'][]>([]);
  const [sending, setSending] = useState<string | null>(null);
  const load = useCallback(() => {
    ok(api.GET('/findings/{id}', { params: { path: { id } } })).then(setFinding, (error: ApiError) => message.error(t('loadFailed', { reason: error.message ?? '' })));
    ok(api.GET('/findings/{id}/audit', { params: { path: { id }, query: { limit: 500 } } })).then((page) => setTrail(page.items), () => undefined);
  }, [id]);
  useEffect(load, [load]);
  useEffect(() => void ok(api.GET('/departments', { params: { query: { limit: 500 } } })).then((page) => setDepartments(page.items), () => undefined), []);
  if (!finding) return <Spin />;
  const departmentName = (departmentId: string) => departments.find((department) => department.id === departmentId)?.name ?? departmentId;
  const caseFile = () => openCaseFile(id).catch((error: { statusCode?: number }) => message.error(t('loadFailed', { reason: String(error.statusCode ?? '') })));
  const actions = finding.availableEvents.filter((event) => event in EVENT_FORMS);
  return (
    <>
      <PageHeading title={finding.title}>
      <Space>
        <Link to="..">{t('back')}</Link>
        <Button onClick={() => void caseFile()}>{t('caseFile')}</Button>
      </Space>
      </PageHeading>
      <Space wrap style={{ marginBottom: 16 }} role="group" aria-label={t('actions')}>
        {actions.length === 0 && <Typography.Text type="secondary">{t('noActions')}</Typography.Text>}
        {actions.map((event) => (
          <Button key={event} type={event === 'VERIFY_ACCEPT' || event === 'AUDIT_APPROVE' ? 'primary' : 'default'} onClick={() => setSending(event)}>
            {label('event', event)}
          </Button>
        ))}
      </Space>
      <Descriptions bordered size="small" column={2} style={{ marginBottom: 24 }}>
        <Descriptions.Item label={t('state')}>{label('state', finding.state)}</Descriptions.Item>
        <Descriptions.Item label={t('light')}>{finding.light ? <Tag color={LIGHT_COLOURS[finding.light]}>{label('light', finding.light)}</Tag> : '—'}</Descriptions.Item>
        <Descriptions.Item label={t('roundType')}>{label('roundType', finding.roundType)}</Descriptions.Item>
        <Descriptions.Item label={t('source')}>{label('source', finding.source)}</Descriptions.Item>
        <Descriptions.Item label={t('department')}>{departmentName(finding.responsibleDepartmentId)}</Descriptions.Item>
        <Descriptions.Item label={t('severity')}>{label('severity', finding.severity)}</Descriptions.Item>
        <Descriptions.Item label={t('deadline')}>{dateTime(finding.deadline)}</Descriptions.Item>
        <Descriptions.Item label={t('measures')}>{finding.measures ?? '—'}</Descriptions.Item>
        <Descriptions.Item label={t('description')} span={2}>
          {finding.description}
        </Descriptions.Item>
      </Descriptions>
      <Typography.Title level={3}>{t('evidence')}</Typography.Title>
      <Typography.Paragraph>{finding.evidence?.note ?? '—'}</Typography.Paragraph>
      <Thumbnails files={[...(finding.evidence?.attachments ?? []), ...finding.photos]} />
      <Typography.Title level={3}>{t('timeline')}</Typography.Title>
      <Timeline
        className="finding-timeline"
        items={trail.map((entry, i) => ({
          key: entry.seq ?? `linking-${i}`,
          children: (
            <>
              <Typography.Text strong>{label('event', entry.event)}</Typography.Text> · {dateTime(entry.at)} · {label('role', entry.actorRole)}
              {entry.withheld ? (
                <div>{t('withheld')}</div>
              ) : (
                ['reason', 'note'].map((key) => typeof entry.payload[key] === 'string' && <div key={key}>{String(entry.payload[key])}</div>)
              )}
            </>
          ),
        }))}
      />
      <EventDialog
        finding={finding}
        event={sending}
        departments={departments.filter((department) => department.id !== finding.responsibleDepartmentId).map((department) => ({ value: department.id, label: department.name }))}
        onSent={(updated) => {
          setSending(null);
          setFinding(updated);
          load();
        }}
        onReload={() => {
          setSending(null);
          load();
        }}
        onCancel={() => setSending(null)}
      />
    </>
  );
}

/**
 * One event's form. Sent with If-Match: the version the page showed. The service's reasons for bad
 * fields go beside them (nothing typed is lost); a finding changed meanwhile (412) or an event no
 * longer possible (409, with what is) is said in the dialog, with a way to reload.
 */
function EventDialog({
  finding,
  event,
  departments,
  onSent,
  onReload,
  onCancel,
}: {
  finding: Finding;
  event: string | null;
  departments: { value: string; label: string }[];
  onSent: (finding: Finding) => void;
  onReload: () => void;
  onCancel: () => void;
}) {
  const { t, label } = useT();
  const [form] = Form.useForm<Partial<Record<Field, string | dayjs.Dayjs>>>();
  const submit = useServerSubmit();
  const [refusal, setRefusal] = useState<string | null>(null);
  useEffect(() => {
    if (event) {
      form.resetFields();
      setRefusal(null);
    }
  }, [event, form]);
  const fields = event ? EVENT_FORMS[event] : [];
  const send = async (values: Partial<Record<Field, string | dayjs.Dayjs>>) => {
    const body: Record<string, unknown> = { type: event };
    for (const field of fields) {
      const value = values[field];
      if (field === 'deadline' || field === 'dueOn') {
        if (value) body[field] = (value as dayjs.Dayjs).format('YYYY-MM-DD');
      } else if (field === 'reason') body.reason = value ?? '';
      else if (value) body[field] = value;
    }
    const sent = await submit(form, async () => {
      try {
        return await ok(api.POST('/findings/{id}/events', { params: { path: { id: finding.id }, header: { 'If-Match': String(finding.version) } }, body: body as never }));
      } catch (caught) {
        const error = caught as ApiError & { details?: unknown };
        if (error.statusCode === 412) setRefusal(t('changedMeanwhile'));
        if (error.statusCode === 409) {
          const available = ((error.details as { availableEvents?: string[] } | undefined)?.availableEvents ?? []).map((name) => label('event', name)).join('、');
          setRefusal(t('notNow', { reason: error.message ?? '', events: available || '—' }));
        }
        if (error.statusCode === 412 || error.statusCode === 409) throw { ...error, details: undefined, message: error.statusCode === 412 ? t('changedMeanwhile') : error.message };
        throw error;
      }
    });
    if (sent) onSent(sent);
  };
  return (
    <Modal
      title={event ? label('event', event) : ''}
      open={event !== null}
      okText={t('save')}
      cancelText={t('cancel')}
      onOk={form.submit}
      onCancel={onCancel}
      forceRender
    >
      {refusal && (
        <Alert
          type="warning"
          role="alert"
          className="event-refusal"
          message={refusal}
          action={
            <Button size="small" onClick={onReload}>
              {t('reload')}
            </Button>
          }
          style={{ marginBottom: 16 }}
        />
      )}
      <Form form={form} layout="vertical" onFinish={send} requiredMark={false}>
        {fields.map((field) => (
          <Form.Item key={field} name={field} label={t(FIELD_WORDS[field])}>
            {field === 'departmentId' ? (
              <Select showSearch optionFilterProp="label" options={departments} />
            ) : field === 'deadline' || field === 'dueOn' ? (
              <DatePicker />
            ) : (
              <Input.TextArea rows={3} />
            )}
          </Form.Item>
        ))}
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </Form>
    </Modal>
  );
}

/** The finding's photos and evidence files: thumbnails fetched with the token, shown from blob addresses. */
function Thumbnails({ files }: { files: Schemas['EvidenceFileDto'][] }) {
  const [urls, setUrls] = useState<Record<string, string>>({});
  const ids = files.map((file) => file.id).join();
  useEffect(() => {
    const made: string[] = [];
    for (const file of files) {
      void api.GET('/attachments/{id}/thumbnail', { params: { path: { id: file.id } }, parseAs: 'blob' }).then(({ data, response }) => {
        if (!response.ok || !data) return;
        const url = URL.createObjectURL(data as Blob);
        made.push(url);
        setUrls((old) => ({ ...old, [file.id]: url }));
      });
    }
    return () => made.forEach((url) => URL.revokeObjectURL(url));
  }, [ids]);
  if (files.length === 0) return null;
  return (
    <Space wrap style={{ marginBottom: 24 }}>
      {files.map((file) => (urls[file.id] ? <Image key={file.id} src={urls[file.id]} alt={file.originalName} width={120} preview={false} /> : null))}
    </Space>
  );
}
