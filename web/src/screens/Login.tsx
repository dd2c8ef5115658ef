import { Button, Form, Input, Toast } from 'antd-mobile';
import { useState } from 'react';
import { startSession } from '../api/client';
import { useLang } from '../i18n';

export function Login() {
  const { t } = useLang();
  const [busy, setBusy] = useState(false);
  const submit = async (values: { username: string; password: string }) => {
    setBusy(true);
    try {
      const response = await fetch('/auth/login', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(values) });
      if (!response.ok) return void Toast.show({ content: t('signInFailed'), icon: 'fail' });
      await startSession(await response.json());
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="pad" style={{ maxWidth: 480, margin: '10vh auto' }}>
      <h1 style={{ textAlign: 'center' }}>{t('appName')}</h1>
      <Form
        layout="vertical"
        onFinish={submit}
        footer={<Button block type="submit" color="primary" size="large" loading={busy}>{t('signIn')}</Button>}
      >
        <Form.Item name="username" label={t('username')} rules={[{ required: true, message: t('required') }]}>
          <Input id="username" autoComplete="username" aria-label={t('username')} />
        </Form.Item>
        <Form.Item name="password" label={t('password')} rules={[{ required: true, message: t('required') }]}>
          <Input id="password" type="password" autoComplete="current-password" aria-label={t('password')} />
        </Form.Item>
      </Form>
    </div>
  );
}
