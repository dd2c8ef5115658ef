import { App, Button, Form, Input, Modal, Table, Typography } from 'antd';
import QRCode from 'qrcode';
import { useEffect, useState } from 'react';
import { Schemas, api, ok } from '../api';
import { FormDialog } from '../forms';
import { useT } from '../i18n';
import { InUse, useServerList } from '../lists';
import { PageHeading } from '../page-heading';
import { PersonPicker } from '../person-picker';
import { dateTime } from '../time';

type Tablet = Schemas['DeviceDto'];
type Registered = Schemas['RegisteredDeviceDto'];
type Values = Schemas['RegisterDeviceDto'];

/**
 * The link that enrols a tablet: the tablet's camera app opens it in the tablet app, which enrols; the app's
 * own scanner reads it too. The token is in the fragment, which no request carries: no server log or
 * Referer ever holds it.
 */
const enrolmentLink = (token: string) => `${location.origin}/app/#enrol=${encodeURIComponent(token)}`;

/** A ward's tablets: registered to act as an inspector, the token shown once (text and an enrolment QR code); revoked. */
export default function Tablets() {
  const { t } = useT();
  const { modal, message } = App.useApp();
  const list = useServerList([], [], (query) => ok(api.GET('/devices', { params: { query } })));
  const [people, setPeople] = useState<Schemas['UserDto'][]>([]);
  const [registering, setRegistering] = useState(false);
  const [registered, setRegistered] = useState<{ tablet: Registered; qr: string } | null>(null);
  useEffect(() => void ok(api.GET('/users', { params: { query: { limit: 500 } } })).then((page) => setPeople(page.items), () => undefined), []);
  const nameOf = (id: string) => people.find((person) => person.id === id)?.displayName ?? id;

  const revoke = (tablet: Tablet) =>
    modal.confirm({
      title: t('revoke'),
      content: t('revokeConfirm', { name: tablet.name }),
      okText: t('revoke'),
      okButtonProps: { danger: true },
      cancelText: t('cancel'),
      onOk: () => ok(api.DELETE('/devices/{id}', { params: { path: { id: tablet.id } } })).then(list.reload, (error: { message?: string }) => message.error(t('saveFailed', { reason: error.message ?? '' }))),
    });

  return (
    <>
      <PageHeading title={t('tablets')}>
      <Button type="primary" onClick={() => setRegistering(true)}>
        {t('registerTablet')}
      </Button>
      </PageHeading>
      <Table<Tablet>
        rowKey="id"
        {...list.table}
        columns={[
          { title: t('tabletName'), dataIndex: 'name' },
          { title: t('actsAs'), dataIndex: 'userId', render: nameOf },
          { title: t('registeredAt'), dataIndex: 'createdAt', render: dateTime },
          { title: t('status'), dataIndex: 'revokedAt', render: (at: string | null) => <InUse active={at === null} otherwise="revoked" /> },
          {
            title: t('actions'),
            key: 'actions',
            render: (_, tablet) =>
              !tablet.revokedAt && (
                <Button type="link" danger onClick={() => revoke(tablet)} aria-label={`${t('revoke')} ${tablet.name}`}>
                  {t('revoke')}
                </Button>
              ),
          },
        ]}
      />
      <FormDialog<Values, Registered>
        title={t('registerTablet')}
        open={registering}
        save={(body) => ok(api.POST('/devices', { body }))}
        onSaved={async (tablet) => {
          setRegistering(false);
          setRegistered({ tablet, qr: await QRCode.toDataURL(enrolmentLink(tablet.token), { width: 280, margin: 2 }) });
          list.reload();
        }}
        onCancel={() => setRegistering(false)}
      >
        {() => (
          <>
            <Form.Item name="name" label={t('tabletName')} rules={[{ required: true, message: t('required') }]}>
              <Input />
            </Form.Item>
            <Form.Item name="userId" label={t('actsAs')} rules={[{ required: true, message: t('required') }]}>
              <PersonPicker role="inspector" />
            </Form.Item>
          </>
        )}
      </FormDialog>
      <Modal
        title={`${t('tabletToken')} · ${registered?.tablet.name ?? ''}`}
        open={registered !== null}
        onCancel={() => setRegistered(null)}
        destroyOnHidden
        footer={<Button onClick={() => setRegistered(null)}>{t('close')}</Button>}
      >
        <Typography.Paragraph>{t('tokenShownOnce')}</Typography.Paragraph>
        {registered && <img className="tablet-qr" src={registered.qr} alt={t('tabletQr')} width={280} height={280} style={{ display: 'block', margin: '0 auto' }} />}
        <Typography.Paragraph copyable code className="tablet-token" style={{ wordBreak: 'break-all' }}>
          {registered?.tablet.token}
        </Typography.Paragraph>
        {/* The link itself, for a tablet that cannot scan: sent to it, opened there, it enrols as the code does. */}
        <Typography.Paragraph type="secondary">{t('enrolmentLink')}</Typography.Paragraph>
        <Typography.Paragraph copyable className="tablet-enrolment-link" style={{ wordBreak: 'break-all' }}>
          {registered && enrolmentLink(registered.tablet.token)}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
