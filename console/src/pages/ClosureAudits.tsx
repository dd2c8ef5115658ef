import { Alert, App, Button, DatePicker, Form, Input, Space, Table, Tag, Typography } from 'antd';
import type { Dayjs } from 'dayjs';
import { useState } from 'react';
import { Link } from 'react-router-dom';
import { ApiError, Schemas, api, ok } from '../api';
import { openCaseFile } from '../files';
import { FormDialog } from '../forms';
import { Word, useT } from '../i18n';
import { useServerList, useServerSubmit } from '../lists';
import { refusalText, worded } from '../refusal';

type Item = Schemas['ClosureAuditItemDto'];
type Finding = Schemas['FindingDto'];
type Sample = Schemas['ClosureSampleDto'];
type Decision = 'AUDIT_APPROVE' | 'AUDIT_REJECT' | 'REOPEN';

/** Each decision, its button's word and the field it asks for: an approval's note is optional, the others need a reason. */
const DECISIONS: { type: Decision; word: Word; field: 'note' | 'reason' }[] = [
  { type: 'AUDIT_APPROVE', word: 'auditApprove', field: 'note' },
  { type: 'AUDIT_REJECT', word: 'auditReject', field: 'reason' },
  { type: 'REOPEN', word: 'reopen', field: 'reason' },
];

/**
 * The discipline office's closure-audit queue (required findings first, then the sampled ones) with
 * each decision beside its finding, and the month's sample drawn. Every decision carries the version the
 * office saw (If-Match): a finding that changed meanwhile is refused with 412, and the list reloads.
 */
export default function ClosureAudits() {
  const words = useT();
  const { t, label } = words;
  const { message } = App.useApp();
  const list = useServerList([], [], (query) => ok(api.GET('/closure-audits', { params: { query } })));
  const [deciding, setDeciding] = useState<{ finding: Finding; decision: (typeof DECISIONS)[number] } | null>(null);

  const decide = (finding: Finding, type: Decision, text: string | undefined) =>
    ok(
      api.POST('/findings/{id}/events', {
        params: { path: { id: finding.id }, header: { 'If-Match': String(finding.version) } },
        body: type === 'AUDIT_APPROVE' ? { type, ...(text && { note: text }) } : { type, reason: text ?? '' },
      }),
    ).catch((error: ApiError) => {
      if (error.statusCode === 412) list.reload();
      return worded(words)(error);
    });

  const caseFile = (finding: Finding) => openCaseFile(finding.id).catch((error: ApiError) => message.error(refusalText(error, words)));

  return (
    <>
      <Typography.Title level={2}>{t('closureAudits')}</Typography.Title>
      <DrawSample onDrawn={list.reload} />
      <Table<Item>
        rowKey={(item) => item.finding.id}
        {...list.table}
        columns={[
          {
            title: t('finding'),
            key: 'finding',
            render: (_, { finding }) => (
              <Link to={`/findings/${finding.id}`} aria-label={`${t('openFinding')} ${finding.title}`}>
                {finding.title}
              </Link>
            ),
          },
          { title: t('severity'), key: 'severity', render: (_, { finding }) => label('severity', finding.severity) },
          { title: t('state'), key: 'state', render: (_, { finding }) => label('state', finding.state) },
          {
            title: t('queueReason'),
            key: 'reason',
            render: (_, item) => (item.reason === 'required' ? <Tag color="#a8071a">{t('requiredAudit')}</Tag> : <Tag>{t('sampledIn', { month: item.month ?? '' })}</Tag>),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, { finding }) => (
              <Space wrap size={4}>
                {DECISIONS.map((decision) => (
                  <Button key={decision.type} size="small" onClick={() => setDeciding({ finding, decision })} aria-label={`${t(decision.word)} ${finding.title}`}>
                    {t(decision.word)}
                  </Button>
                ))}
                <Button size="small" type="link" onClick={() => void caseFile(finding)} aria-label={`${t('caseFile')} ${finding.title}`}>
                  {t('caseFile')}
                </Button>
              </Space>
            ),
          },
        ]}
      />
      <FormDialog<{ note?: string; reason?: string }, Finding>
        title={deciding ? `${t(deciding.decision.word)} · ${deciding.finding.title}` : ''}
        open={deciding !== null}
        save={(values) => decide(deciding!.finding, deciding!.decision.type, values[deciding!.decision.field])}
        onSaved={() => {
          setDeciding(null);
          list.reload();
        }}
        onCancel={() => setDeciding(null)}
      >
        {() =>
          deciding && (
            <Form.Item name={deciding.decision.field} label={t(deciding.decision.field)}>
              <Input.TextArea rows={3} />
            </Form.Item>
          )
        }
      </FormDialog>
    </>
  );
}

/** The month's sample of closed findings: drawn once (drawing it again answers the same), its outcome shown. */
function DrawSample({ onDrawn }: { onDrawn: () => void }) {
  const { t } = useT();
  const [form] = Form.useForm<{ month?: Dayjs }>();
  const submit = useServerSubmit();
  const [sample, setSample] = useState<Sample | null>(null);
  const draw = async ({ month }: { month?: Dayjs }) => {
    const drawn = await submit(form, () => ok(api.POST('/closure-audits/samples', { body: { month: month?.format('YYYY-MM') ?? '' } })));
    if (drawn) {
      setSample(drawn);
      onDrawn();
    }
  };
  return (
    <Space direction="vertical" style={{ width: '100%', marginBottom: 16 }}>
      <Form form={form} layout="inline" onFinish={draw} requiredMark={false}>
        <Form.Item name="month" label={t('month')}>
          <DatePicker picker="month" />
        </Form.Item>
        <Form.Item>
          <Button type="primary" htmlType="submit">
            {t('drawSample')}
          </Button>
        </Form.Item>
      </Form>
      {sample && (
        <Alert
          type="info"
          showIcon
          className="closure-sample"
          message={t('sampleDrawn', { month: sample.month, candidates: sample.candidates, size: sample.size })}
          description={`${t('sampleMethod')}: ${sample.method}`}
          closable
          onClose={() => setSample(null)}
        />
      )}
    </Space>
  );
}
