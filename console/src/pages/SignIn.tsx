import { Button, Card, Form, Input, Layout, Typography } from 'antd';
import { useState } from 'react';
import { ApiError, Me, changePassword, signIn } from '../api';
import { PasswordInput } from '../forms';
import { useT } from '../i18n';
import { useServerSubmit } from '../lists';

function Centered({ title, children }: { title: string; children: React.ReactNode }) {
  const { t } = useT();
  return (
    <Layout style={{ minHeight: '100vh', alignItems: 'center', justifyContent: 'center' }}>
      <main>
        <Card style={{ width: 400 }}>
          <Typography.Title level={1} style={{ fontSize: 22 }}>
            {t('appName')}
          </Typography.Title>
          <Typography.Title level={2} style={{ fontSize: 16 }}>
            {title}
          </Typography.Title>
          {children}
        </Card>
      </main>
    </Layout>
  );
}

export function SignIn({ onSignedIn }: { onSignedIn: (me: Me) => void }) {
  const { t } = useT();
  const [form] = Form.useForm<{ username: string; password: string }>();
  const [busy, setBusy] = useState(false);
  const submit = async ({ username, password }: { username: string; password: string }) => {
    setBusy(true);
    try {
      onSignedIn(await signIn(username, password));
    } catch (caught) {
      const error = caught as ApiError;
      form.setFields([{ name: 'password', errors: [error.statusCode === 401 ? t('signInFailed') : (error.message ?? String(caught))] }]);
      setBusy(false);
    }
  };
  return (
    <Centered title={t('signIn')}>
      <Form form={form} layout="vertical" onFinish={submit} requiredMark={false}>
        <Form.Item name="username" label={t('username')} rules={[{ required: true, message: t('required') }]}>
          <Input autoComplete="username" autoFocus />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('required') }]}>
          <PasswordInput autoComplete="current-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" loading={busy} block>
          {t('signIn')}
        </Button>
      </Form>
    </Centered>
  );
}

/** After an administrator's reset the account may do nothing else. */
export function ChangePassword({ onChanged }: { onChanged: (me: Me) => void }) {
  const { t } = useT();
  const [form] = Form.useForm<{ currentPassword: string; newPassword: string }>();
  const submit = useServerSubmit();
  const save = async ({ currentPassword, newPassword }: { currentPassword: string; newPassword: string }) => {
    const me = await submit(form, () => changePassword(currentPassword, newPassword));
    if (me) onChanged(me);
  };
  return (
    <Centered title={t('changePassword')}>
      <Typography.Paragraph>{t('changePasswordWhy')}</Typography.Paragraph>
      <Form form={form} layout="vertical" onFinish={save} requiredMark={false}>
        <Form.Item name="currentPassword" label={t('currentPassword')} rules={[{ required: true, message: t('required') }]}>
          <PasswordInput autoComplete="current-password" autoFocus />
        </Form.Item>
        <Form.Item name="newPassword" label={t('newPassword')} rules={[{ required: true, message: t('required') }]}>
          <PasswordInput autoComplete="new-password" />
        </Form.Item>
        <Button type="primary" htmlType="submit" block>
          {t('save')}
        </Button>
      </Form>
    </Centered>
  );
}
