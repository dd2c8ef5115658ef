import { App, Button, Form, Space, Switch, Table, Tag, TimePicker, Typography } from 'antd';
import dayjs, { type Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { INBOX_NOTICE_TYPES, type InboxNoticeType, isMandatory } from '../../../workflows/finding.notices';
import { ApiError, Schemas, api, currentUser, ok } from '../api';
import { Contact, ContactFields, contactOf } from '../contact';
import { Word, useT } from '../i18n';
import { useServerSubmit } from '../lists';
import { PageHeading } from '../page-heading';
import { refusalText } from '../refusal';

type Settings = Schemas['NotificationSettingsDto'];
type Channel = keyof Settings['channels'];
type Channels = Settings['channels'];
/** The settings as the form holds them: the quiet hours as times of day, either left empty. */
interface SettingsValues {
  channels: Channels;
  quietHours: { start: Dayjs | null; end: Dayjs | null };
}

const CHANNELS: Record<Channel, Word> = { email: 'channelEmail', wecom: 'channelWecom', dingtalk: 'channelDingtalk' };
const TIME_OF_DAY = 'HH:mm';
const timeOfDay = (time: string | undefined) => (time ? dayjs().hour(Number(time.slice(0, 2))).minute(Number(time.slice(3, 5))).second(0) : null);

/** The signed-in person's own account: their contacts, and which notices reach them on which channel, and when not. */
export default function MySettings() {
  const { t } = useT();
  return (
    <>
      <PageHeading title={t('mySettings')} />
      <Space direction="vertical" size={32} style={{ width: '100%' }}>
        <section aria-labelledby="contact-heading">
          <Typography.Title level={3} id="contact-heading">
            {t('contact')}
          </Typography.Title>
          <ContactForm />
        </section>
        <section aria-labelledby="notification-heading">
          <Typography.Title level={3} id="notification-heading">
            {t('notificationSettings')}
          </Typography.Title>
          <NotificationSettingsForm />
        </section>
      </Space>
    </>
  );
}

/** PATCH /me/contact; a refused field keeps what was typed and shows the service's reason beside it. */
function ContactForm() {
  const words = useT();
  const { message } = App.useApp();
  const [form] = Form.useForm<Contact>();
  const submit = useServerSubmit();
  const [loaded, setLoaded] = useState(false);
  useEffect(
    () =>
      void currentUser().then(
        ({ email, mobile, wecomUserId, dingtalkUserId }) => {
          form.setFieldsValue({ email, mobile, wecomUserId, dingtalkUserId });
          setLoaded(true);
        },
        (error: ApiError) => void message.error(refusalText(error, words)),
      ),
    [],
  );
  const save = (values: Contact) => submit(form, () => ok(api.PATCH('/me/contact', { body: contactOf(values) }))).then((saved) => saved && form.setFieldsValue(saved));
  return (
    <Form form={form} layout="vertical" onFinish={save} requiredMark={false} style={{ maxWidth: 480 }} className="my-contact">
      <ContactFields own />
      <Button type="primary" htmlType="submit" disabled={!loaded}>
        {words.t('save')}
      </Button>
    </Form>
  );
}

/** GET and PUT /me/notification-settings: a switch per notice type and channel (the mandatory ones on and fixed), and quiet hours. */
function NotificationSettingsForm() {
  const words = useT();
  const { t } = words;
  const { message } = App.useApp();
  const [form] = Form.useForm<SettingsValues>();
  const submit = useServerSubmit();
  const [loaded, setLoaded] = useState(false);
  const shown = ({ channels, quietHours }: Settings) => form.setFieldsValue({ channels, quietHours: { start: timeOfDay(quietHours?.start), end: timeOfDay(quietHours?.end) } });
  useEffect(
    () =>
      void ok(api.GET('/me/notification-settings')).then(
        (settings) => {
          shown(settings);
          setLoaded(true);
        },
        (error: ApiError) => void message.error(refusalText(error, words)),
      ),
    [],
  );
  const save = ({ channels, quietHours: { start, end } }: SettingsValues) =>
    submit(form, () =>
      ok(api.PUT('/me/notification-settings', { body: { channels, quietHours: start && end ? { start: start.format(TIME_OF_DAY), end: end.format(TIME_OF_DAY) } : null } })),
    ).then((saved) => saved && shown(saved));
  /** Quiet hours need both ends, or neither. */
  const other = (end: 'start' | 'end') => ({ getFieldValue }: { getFieldValue: (name: string[]) => unknown }) => ({
    validator: (_: unknown, value: Dayjs | null) => (value || !getFieldValue(['quietHours', end]) ? Promise.resolve() : Promise.reject(new Error(t('quietBoth')))),
  });
  return (
    <Form form={form} layout="vertical" onFinish={save} requiredMark={false} className="my-notification-settings">
      <Typography.Paragraph>
        {t('notificationSettingsWhy')} {t('mandatoryWhy')}
      </Typography.Paragraph>
      <Form.Item name="channels">
        <ChannelSwitches />
      </Form.Item>
      <Typography.Title level={4}>{t('quietHours')}</Typography.Title>
      <Typography.Paragraph>{t('quietHoursWhy')}</Typography.Paragraph>
      <Space size={24} align="start">
        <Form.Item name={['quietHours', 'start']} label={t('quietFrom')} rules={[other('end')]}>
          <TimePicker format={TIME_OF_DAY} minuteStep={5} needConfirm={false} />
        </Form.Item>
        <Form.Item name={['quietHours', 'end']} label={t('quietUntil')} rules={[other('start')]}>
          <TimePicker format={TIME_OF_DAY} minuteStep={5} needConfirm={false} />
        </Form.Item>
      </Space>
      <div>
        <Button type="primary" htmlType="submit" disabled={!loaded}>
          {t('save')}
        </Button>
      </div>
    </Form>
  );
}

/** The channels' lists as a table of switches, a row per notice type; a mandatory type's are on and cannot be switched. */
function ChannelSwitches({ value, onChange }: { value?: Channels; onChange?: (channels: Channels) => void }) {
  const { t, label } = useT();
  const wants = (channel: Channel, type: InboxNoticeType) => isMandatory(type) || (value?.[channel].includes(type) ?? false);
  const toggle = (channel: Channel, type: InboxNoticeType, on: boolean) =>
    value && onChange?.({ ...value, [channel]: INBOX_NOTICE_TYPES.filter((each) => (each === type ? on : value[channel].includes(each))) });
  return (
    <Table<InboxNoticeType>
      rowKey={(type) => type}
      size="small"
      pagination={false}
      dataSource={[...INBOX_NOTICE_TYPES]}
      columns={[
        {
          title: t('notice'),
          key: 'type',
          render: (_, type) => (
            <Space>
              {label('notice', type)}
              {isMandatory(type) && <Tag>{t('mandatory')}</Tag>}
            </Space>
          ),
        },
        ...(Object.keys(CHANNELS) as Channel[]).map((channel) => ({
          title: t(CHANNELS[channel]),
          key: channel,
          render: (_: unknown, type: InboxNoticeType) => (
            <Switch
              checked={wants(channel, type)}
              disabled={isMandatory(type) || !value}
              onChange={(on) => toggle(channel, type, on)}
              aria-label={`${label('notice', type)} · ${t(CHANNELS[channel])}`}
            />
          ),
        })),
      ]}
    />
  );
}
