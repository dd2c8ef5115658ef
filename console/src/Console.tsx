import { Button, Layout, Menu, Result, Segmented, Space, Spin, Typography } from 'antd';
import { ReactNode, Suspense, lazy, useEffect, useState } from 'react';
import { Link, Navigate, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { PAGES, mayOpen } from './access';
import { Me, resumeSession, signOut } from './api';
import { Lang, useT } from './i18n';
import { ChangePassword, SignIn } from './pages/SignIn';

/** Each page is loaded when first opened: the sign-in screen does not wait for the tables. */
const SCREENS: Record<string, React.LazyExoticComponent<() => ReactNode>> = {
  '/departments': lazy(() => import('./pages/Departments')),
  '/people': lazy(() => import('./pages/People')),
  '/tablets': lazy(() => import('./pages/Tablets')),
  '/dashboard': lazy(() => import('./pages/Dashboard')),
  '/checklists': lazy(() => import('./pages/Checklists')),
  '/closure-audits': lazy(() => import('./pages/ClosureAudits')),
  '/audit': lazy(() => import('./pages/AuditLog')),
  '/security-events': lazy(() => import('./pages/SecurityEvents')),
  '/webhooks': lazy(() => import('./pages/Webhooks')),
  '/calendar': lazy(() => import('./pages/RoundCalendar')),
  '/coverage': lazy(() => import('./pages/Coverage')),
  '/monthly': lazy(() => import('./pages/MonthlyTracking')),
  '/assessments': lazy(() => import('./pages/Assessments')),
  '/findings': lazy(() => import('./pages/Findings')),
  '/verification': lazy(() => import('./pages/VerificationQueue')),
  '/follow-ups': lazy(() => import('./pages/FollowUps')),
};
/** One's own account: every signed-in person's, whatever their roles, so it sits in the header rather than the menu. */
const MY_SETTINGS = '/my-settings';
const MySettings = lazy(() => import('./pages/MySettings'));

/** The signed-in person's console: sign-in, a required password change, then the pages their roles allow. */
export function Console() {
  const [me, setMe] = useState<Me | null | undefined>(undefined);
  useEffect(() => void resumeSession().then(setMe), []);
  if (me === undefined) return <Spin fullscreen />;
  if (me === null) return <SignIn onSignedIn={setMe} />;
  if (me.mustChangePassword) return <ChangePassword onChanged={setMe} />;
  return <Shell me={me} onSignOut={() => void signOut().then(() => setMe(null))} />;
}

function Shell({ me, onSignOut }: { me: Me; onSignOut: () => void }) {
  const { t, label, lang, setLang } = useT();
  const { pathname } = useLocation();
  const navigate = useNavigate();
  const pages = PAGES.filter((page) => mayOpen(me, page.roles));
  useEffect(() => {
    const open = pathname.startsWith(MY_SETTINGS) ? 'mySettings' : PAGES.find((page) => pathname.startsWith(page.path))?.title;
    document.title = `${open ? `${t(open)} · ` : ''}${t('appName')}`;
  }, [pathname, t]);
  return (
    <Layout style={{ minHeight: '100vh' }}>
      <Layout.Header style={{ display: 'flex', alignItems: 'center', gap: 24, background: '#001529' }}>
        <Typography.Title level={1} style={{ color: '#fff', margin: 0, fontSize: 18, whiteSpace: 'nowrap' }}>
          <Link to="/" style={{ color: '#fff' }}>
            {t('appName')}
          </Link>
        </Typography.Title>
        <Space style={{ marginLeft: 'auto', color: '#fff' }}>
          <span>
            {me.displayName} · {me.roles.map((role) => label('role', role)).join('、')}
          </span>
          <Link to={MY_SETTINGS} style={{ color: '#fff', textDecoration: 'underline' }}>
            {t('mySettings')}
          </Link>
          <Segmented<Lang>
            aria-label={t('language')}
            value={lang}
            onChange={setLang}
            options={[
              { label: '中文', value: 'zh' },
              { label: 'English', value: 'en' },
            ]}
          />
          <Button onClick={onSignOut}>{t('signOut')}</Button>
        </Space>
      </Layout.Header>
      <Layout>
        {pages.length > 0 && (
          <Layout.Sider width={200} theme="light" aria-label={t('appName')}>
            <Menu
              mode="inline"
              selectedKeys={[pages.find((page) => pathname.startsWith(page.path))?.path ?? '']}
              // Enter on an item reached with the arrow keys is taken by the menu, so its link is not followed: follow it here.
              onClick={({ key, domEvent }) => domEvent.type === 'keydown' && navigate(key)}
              items={[...new Set(pages.map((page) => page.group))].map((group) => ({
                type: 'group' as const,
                key: group,
                label: t(group),
                children: pages.filter((page) => page.group === group).map((page) => ({ key: page.path, label: <Link to={page.path}>{t(page.title)}</Link> })),
              }))}
            />
          </Layout.Sider>
        )}
        <Layout.Content style={{ padding: 24 }}>
          <main>
            <Suspense fallback={<Spin />}>
              <Routes>
                <Route path="/" element={pages.length > 0 ? <Navigate to={pages[0].path} replace /> : <Welcome me={me} />} />
                {PAGES.map((page) => {
                  const Screen = SCREENS[page.path];
                  return <Route key={page.path} path={`${page.path}/*`} element={mayOpen(me, page.roles) ? <Screen /> : <Result status="403" title={t('notAllowed')} />} />;
                })}
                <Route path={MY_SETTINGS} element={<MySettings />} />
                <Route path="*" element={<Result status="404" title={t('notFound')} extra={<Link to="/">{t('home')}</Link>} />} />
              </Routes>
            </Suspense>
          </main>
        </Layout.Content>
      </Layout>
    </Layout>
  );
}

/** Someone whose roles have no console page yet: told where their work is, not shown empty pages. */
function Welcome({ me }: { me: Me }) {
  const { t } = useT();
  return <Result status="info" title={t('welcome', { name: me.displayName })} subTitle={t('nothingYet')} />;
}
