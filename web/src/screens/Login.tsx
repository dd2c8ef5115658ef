import { Button, Form, Input, Toast } from 'antd-mobile';
import { Suspense, lazy, useState } from 'react';
import { SessionEnd, enrol, startSession } from '../api/client';
import { useLang } from '../i18n';

/** The scanner and its QR decoder (130 kB) load when a code is to be scanned, not with every sign-in. */
const QrScanner = lazy(() => import('./QrScanner').then((module) => ({ default: module.QrScanner })));

/** Why the device is not enrolled (or no longer is), in words, with the service's own reason. */
export function EndedNotice({ ended }: { ended: SessionEnd }) {
  const { t } = useLang();
  return (
    <div className="error-text ended-notice" role="alert">
      {t(ended.reason)}
      {ended.detail && <div className="muted">{ended.detail}</div>}
    </div>
  );
}

/** A person signs in; or the device is enrolled as a ward's tablet, from its QR code or its token typed in. */
export function Login({ ended }: { ended: SessionEnd | null }) {
  const { t } = useLang();
  const [busy, setBusy] = useState(false);
  const [enrolling, setEnrolling] = useState(false);
  const [scanning, setScanning] = useState(false);
  const [refused, setRefused] = useState<SessionEnd | null>(null);
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
  const enrolWith = async (text: string) => {
    setScanning(false);
    setBusy(true);
    try {
      setRefused(await enrol(text));
    } finally {
      setBusy(false);
    }
  };
  const notice = refused ?? ended;
  return (
    <div className="pad" style={{ maxWidth: 480, margin: '10vh auto' }}>
      <h1 style={{ textAlign: 'center' }}>{t('appName')}</h1>
      {notice && <EndedNotice ended={notice} />}
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
      <div className="pad">
        {!enrolling ? (
          <Button block size="large" fill="outline" className="enrol-start" onClick={() => setEnrolling(true)}>{t('enrolTablet')}</Button>
        ) : (
          <section className="enrolment" aria-labelledby="enrol-heading">
            <h2 id="enrol-heading">{t('enrolTablet')}</h2>
            <p className="muted">{t('enrolHow')}</p>
            {scanning ? (
              <>
                <Suspense fallback={null}>
                  <QrScanner onRead={(text) => void enrolWith(text)} />
                </Suspense>
                <Button block size="large" onClick={() => setScanning(false)}>{t('cancel')}</Button>
              </>
            ) : (
              <Button block size="large" color="primary" className="enrol-scan" loading={busy} onClick={() => setScanning(true)}>{t('scanQr')}</Button>
            )}
            <Form
              layout="vertical"
              onFinish={(values: { token: string }) => void enrolWith(values.token)}
              footer={<Button block type="submit" size="large" className="enrol-typed" loading={busy}>{t('enrol')}</Button>}
            >
              <Form.Item name="token" label={t('deviceToken')} rules={[{ required: true, message: t('required') }]}>
                <Input id="device-token" autoComplete="off" autoCapitalize="off" aria-label={t('deviceToken')} />
              </Form.Item>
            </Form>
          </section>
        )}
      </div>
    </div>
  );
}
