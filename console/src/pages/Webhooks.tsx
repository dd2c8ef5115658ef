import { App, Button, Drawer, Form, Input, InputNumber, Radio, Select, Space, Switch, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { ApiError, Me, Schemas, api, currentUser, ok } from '../api';
import { FormDialog, PasswordInput } from '../forms';
import { Word, useT } from '../i18n';
import { refusalText } from '../refusal';
import { PageHeading } from '../page-heading';
import { dateTime } from '../time';
import { ROBOT_RATE_PER_MINUTE } from '../../../workflows/finding.notices';

type Webhook = Schemas['WebhookDto'];
type Delivery = Schemas['WebhookDeliveryDto'];
type Values = Schemas['CreateWebhookDto'];
type Status = Delivery['status'];
type Kind = Webhook['kind'];

const KINDS: Record<Kind, Word> = { webhook: 'kindWebhook', wecom: 'kindWecom', dingtalk: 'kindDingtalk', email: 'kindEmail' };
/** Kinds signed with a secret the administrator gives (a webhook's HMAC, DingTalk's 加签); WeCom and e-mail have none. */
const SIGNED: Kind[] = ['webhook', 'dingtalk'];
const isRobot = (kind: Kind) => kind === 'wecom' || kind === 'dingtalk';

const NOTICE_TYPES: Values['events'] = [
  'assigned', 'receipt_late', 'disputed', 'evidence_submitted', 'closure_audit_requested', 'rejected', 'reopened', 'due_soon', 'overdue', 'escalated',
  'receipt_escalated', 'extension_requested', 'extension_approved', 'extension_denied', 'deadline_set', 'follow_up_failed', 'round_planned', 'round_tomorrow', 'announcement',
];
const ROLES: NonNullable<Values['role']>[] = ['inspector', 'round_lead', 'department_staff', 'verifier', 'discipline_office', 'admin', 'leadership'];
const STATUS_COLOURS: Record<Status, string | undefined> = { pending: '#ad4e00', delivered: '#237804', dead: '#a8071a' };

/**
 * Notification endpoints: an administrator registers and removes them and reads their deliveries,
 * retrying a dead one; the discipline office marks which may take integrity notices.
 */
export default function Webhooks() {
  const words = useT();
  const { t, label } = words;
  const { modal, message } = App.useApp();
  const [me, setMe] = useState<Me | null>(null);
  const [webhooks, setWebhooks] = useState<Webhook[]>([]);
  const [loading, setLoading] = useState(true);
  const [departments, setDepartments] = useState<Schemas['DepartmentDto'][]>([]);
  const [registering, setRegistering] = useState(false);
  /** The endpoint whose deliveries are open, or people's own e-mails. */
  const [showing, setShowing] = useState<Webhook | typeof PERSONAL | null>(null);
  const isAdmin = me?.roles.includes('admin') ?? false;
  const isDisciplineOffice = me?.roles.includes('discipline_office') ?? false;
  const refused = (error: ApiError) => void message.error(refusalText(error, words));

  const reload = () => {
    setLoading(true);
    ok(api.GET('/webhooks'))
      .then(setWebhooks, refused)
      .finally(() => setLoading(false));
  };
  useEffect(() => {
    reload();
    void currentUser().then(setMe, () => undefined);
    void ok(api.GET('/departments', { params: { query: { limit: 500 } } })).then((page) => setDepartments(page.items), () => undefined);
  }, []);

  const remove = (webhook: Webhook) =>
    modal.confirm({
      title: t('remove'),
      content: t('removeConfirm', { url: webhook.url }),
      okText: t('remove'),
      okButtonProps: { danger: true },
      cancelText: t('cancel'),
      onOk: () => ok(api.DELETE('/webhooks/{id}', { params: { path: { id: webhook.id } } })).then(reload, refused),
    });
  /** Only the fields the chosen kind takes: a field typed before the kind changed stays in the form but is not sent. */
  const register = ({ kind, url, address, secret, ratePerMinute, ...filters }: Values) =>
    ok(
      api.POST('/webhooks', {
        body: {
          kind,
          ...filters,
          ...(kind === 'email' ? { address } : { url }),
          ...(SIGNED.includes(kind!) && { secret }),
          ...(kind !== 'webhook' && ratePerMinute != null && { ratePerMinute }),
        },
      }),
    );
  const markIntegrity = (webhook: Webhook, marked: boolean) =>
    ok(api.PUT('/webhooks/{id}/integrity', { params: { path: { id: webhook.id } }, body: { marked } })).then(reload, refused);

  return (
    <>
      <PageHeading title={t('webhooks')}>
      {isAdmin && (
        <Space>
          <Button onClick={() => setShowing(PERSONAL)}>{t('personalEmails')}</Button>
          <Button type="primary" onClick={() => setRegistering(true)}>
            {t('registerEndpoint')}
          </Button>
        </Space>
      )}
      </PageHeading>
      <Table<Webhook>
        rowKey="id"
        loading={loading}
        dataSource={webhooks}
        pagination={false}
        columns={[
          { title: t('endpointKind'), dataIndex: 'kind', render: (kind: Kind) => t(KINDS[kind]) },
          { title: t('url'), dataIndex: 'url', render: (url: string) => <Typography.Text style={{ wordBreak: 'break-all' }}>{url}</Typography.Text> },
          { title: t('ratePerMinute'), dataIndex: 'ratePerMinute', render: (rate: number | null) => rate ?? t('noLimit') },
          { title: t('department'), dataIndex: 'departmentId', render: (id: string | null) => (id ? (departments.find((d) => d.id === id)?.name ?? id) : t('anyDepartment')) },
          { title: t('roles'), dataIndex: 'role', render: (role: string | null) => (role ? label('role', role) : t('anyRole')) },
          {
            title: t('noticeTypes'),
            dataIndex: 'events',
            render: (events: string[] | null) => (events ? events.map((type) => <Tag key={type}>{label('notice', type)}</Tag>) : t('allEvents')),
          },
          {
            title: t('integrityMarked'),
            key: 'integrity',
            render: (_, webhook) => (
              <Switch
                checked={webhook.integrityMarkedBy !== null}
                disabled={!isDisciplineOffice}
                onChange={(marked) => void markIntegrity(webhook, marked)}
                aria-label={`${t('integrityMarked')} ${webhook.url}`}
              />
            ),
          },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, webhook) =>
              isAdmin && (
                <Space size={4}>
                  <Button type="link" onClick={() => setShowing(webhook)} aria-label={`${t('deliveries')} ${webhook.url}`}>
                    {t('deliveries')}
                  </Button>
                  <Button type="link" danger onClick={() => remove(webhook)} aria-label={`${t('remove')} ${webhook.url}`}>
                    {t('remove')}
                  </Button>
                </Space>
              ),
          },
        ]}
      />
      <FormDialog<Values, Webhook>
        title={t('registerEndpoint')}
        open={registering}
        initialValues={{ kind: 'webhook' }}
        save={register}
        onSaved={() => {
          setRegistering(false);
          reload();
        }}
        onCancel={() => setRegistering(false)}
      >
        {() => (
          <>
            <Form.Item name="kind" label={t('endpointKind')}>
              <Radio.Group optionType="button" buttonStyle="solid" options={(Object.keys(KINDS) as Kind[]).map((kind) => ({ value: kind, label: t(KINDS[kind]) }))} />
            </Form.Item>
            <Form.Item noStyle dependencies={['kind']}>
              {({ getFieldValue }) => {
                const kind = getFieldValue('kind') as Kind;
                return (
                  <>
                    {kind === 'email' ? (
                      <Form.Item name="address" label={t('mailbox')}>
                        <Input inputMode="email" autoComplete="off" />
                      </Form.Item>
                    ) : (
                      <Form.Item name="url" label={t('url')}>
                        <Input placeholder={kind === 'wecom' ? 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=…' : kind === 'dingtalk' ? 'https://oapi.dingtalk.com/robot/send?access_token=…' : 'https://'} />
                      </Form.Item>
                    )}
                    {SIGNED.includes(kind) && (
                      <Form.Item name="secret" label={t(kind === 'dingtalk' ? 'dingtalkSecret' : 'secret')}>
                        <PasswordInput autoComplete="new-password" />
                      </Form.Item>
                    )}
                    {kind !== 'webhook' && (
                      <Form.Item name="ratePerMinute" label={t('ratePerMinute')} extra={isRobot(kind) ? t('rateDefault', { n: ROBOT_RATE_PER_MINUTE }) : t('rateNone')}>
                        <InputNumber min={1} max={600} precision={0} placeholder={isRobot(kind) ? String(ROBOT_RATE_PER_MINUTE) : t('noLimit')} style={{ width: 160 }} />
                      </Form.Item>
                    )}
                  </>
                );
              }}
            </Form.Item>
            <Form.Item name="departmentId" label={t('department')}>
              <Select allowClear placeholder={t('anyDepartment')} options={departments.map((d) => ({ value: d.id, label: `${d.name} (${d.code})` }))} />
            </Form.Item>
            <Form.Item name="role" label={t('roles')}>
              <Select allowClear placeholder={t('anyRole')} options={ROLES.map((role) => ({ value: role, label: label('role', role) }))} />
            </Form.Item>
            <Form.Item name="events" label={t('noticeTypes')}>
              <Select mode="multiple" allowClear placeholder={t('allEvents')} options={NOTICE_TYPES!.map((type) => ({ value: type, label: label('notice', type) }))} />
            </Form.Item>
          </>
        )}
      </FormDialog>
      <Drawer
        title={showing === PERSONAL ? t('personalEmails') : `${t('deliveries')} · ${showing?.url ?? ''}`}
        open={showing !== null}
        onClose={() => setShowing(null)}
        width={960}
        destroyOnHidden
      >
        {showing && <Deliveries of={showing} />}
      </Drawer>
    </>
  );
}

/** What the deliveries drawer lists besides an endpoint's: each person's own e-mails, which belong to no endpoint. */
const PERSONAL = 'personal';

/**
 * One endpoint's deliveries, or people's own e-mails (with whom each is for), paged and filtered
 * by status on the service; a dead one may be tried again.
 */
function Deliveries({ of }: { of: Webhook | typeof PERSONAL }) {
  const words = useT();
  const { t, label } = words;
  const { message } = App.useApp();

  const [status, setStatus] = useState<Status | undefined>();
  const [page, setPage] = useState({ current: 1, size: 20 });
  const [deliveries, setDeliveries] = useState<{ items: Delivery[]; total: number }>({ items: [], total: 0 });
  const [loading, setLoading] = useState(true);
  const reload = () => {
    setLoading(true);
    const query = { status, limit: page.size, offset: (page.current - 1) * page.size };
    ok(of === PERSONAL ? api.GET('/personal-emails', { params: { query } }) : api.GET('/webhooks/{id}/deliveries', { params: { path: { id: of.id }, query } }))
      .then(setDeliveries, (error: ApiError) => void message.error(refusalText(error, words)))
      .finally(() => setLoading(false));
  };
  useEffect(reload, [status, page]);
  const retry = (delivery: Delivery) =>
    ok(
      of === PERSONAL
        ? api.POST('/personal-emails/{id}/retry', { params: { path: { id: delivery.id } } })
        : api.POST('/webhooks/{id}/deliveries/{deliveryId}/retry', { params: { path: { id: of.id, deliveryId: delivery.id } } }),
    ).then(
      () => {
        message.success(t('retried'));
        reload();
      },
      (error: ApiError) => void message.error(refusalText(error, words)),
    );
  return (
    <>
      <Select<Status>
        aria-label={t('status')}
        placeholder={t('allStatuses')}
        allowClear
        value={status}
        onChange={(value) => {
          setStatus(value);
          setPage({ ...page, current: 1 });
        }}
        style={{ width: 180, marginBottom: 16 }}
        options={(['pending', 'delivered', 'dead'] as Status[]).map((value) => ({ value, label: t(value as Word) }))}
      />
      <Table<Delivery>
        rowKey="id"
        size="small"
        loading={loading}
        dataSource={deliveries.items}
        pagination={{ current: page.current, pageSize: page.size, total: deliveries.total, showTotal: (n) => t('total', { n }) }}
        onChange={(next) => setPage({ current: next.current ?? 1, size: next.pageSize ?? 20 })}
        columns={[
          ...(of === PERSONAL ? [{ title: t('recipient'), dataIndex: 'recipientName' }] : []),
          { title: t('notice'), dataIndex: 'type', render: (type: string) => label('notice', type) },
          { title: t('status'), dataIndex: 'status', render: (value: Status) => <Tag color={STATUS_COLOURS[value]}>{t(value)}</Tag> },
          { title: t('attempts'), dataIndex: 'attempts' },
          { title: t('nextAttemptAt'), dataIndex: 'nextAttemptAt', render: dateTime },
          { title: t('deliveredAt'), dataIndex: 'deliveredAt', render: dateTime },
          { title: t('lastError'), dataIndex: 'lastError', render: (error: string | null) => error ?? '—' },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, delivery) =>
              delivery.status === 'dead' && (
                <Button size="small" onClick={() => void retry(delivery)} aria-label={`${t('retry')} ${delivery.id}`}>
                  {t('retry')}
                </Button>
              ),
          },
        ]}
      />
    </>
  );
}
