import { Badge, Button, Dialog, NoticeBar, SafeArea, TabBar, Toast } from 'antd-mobile';
import { BellOutline, CalendarOutline, CheckShieldOutline, FileOutline, LeftOutline, SendOutline, TeamOutline, UnorderedListOutline, UserOutline } from 'antd-mobile-icons';
import { ReactNode, useEffect, useState } from 'react';
import { SessionEnd, api, enrol, onSessionChange, savedSession, takeEnrolmentLink } from './api/client';
import type { Session } from './db';
import { Word, useLang } from './i18n';
import { useOutbox } from './outbox';
import { go, useRoute } from './route';
import { FindingPage } from './screens/FindingPage';
import { AuditQueue, DepartmentFindings, FollowUpQueue, VerifyQueue } from './screens/FindingLists';
import { SignedInProvider } from './screens/common';
import { Login } from './screens/Login';
import { Me } from './screens/Me';
import { Notifications } from './screens/Notifications';
import { Outbox } from './screens/Outbox';
import { RoundPage } from './screens/RoundPage';
import { Rounds } from './screens/Rounds';
import './app.css';

type Role = Session['user']['roles'][number];

/** The tabs a person's roles give them, in the order their work comes. */
const TABS: { key: string; title: Word; icon: ReactNode; roles: Role[] | 'all' }[] = [
  { key: 'rounds', title: 'rounds', icon: <TeamOutline />, roles: ['inspector', 'round_lead'] },
  { key: 'department', title: 'myFindings', icon: <UnorderedListOutline />, roles: ['department_staff'] },
  { key: 'verify', title: 'verifyQueue', icon: <CheckShieldOutline />, roles: ['verifier'] },
  { key: 'follow-ups', title: 'followUps', icon: <CalendarOutline />, roles: ['verifier'] },
  { key: 'audit', title: 'auditQueue', icon: <FileOutline />, roles: ['discipline_office'] },
  { key: 'notifications', title: 'notifications', icon: <BellOutline />, roles: 'all' },
  { key: 'outbox', title: 'outbox', icon: <SendOutline />, roles: 'all' },
  { key: 'me', title: 'me', icon: <UserOutline />, roles: 'all' },
];

function useOnline(): boolean {
  const [online, setOnline] = useState(navigator.onLine);
  useEffect(() => {
    const update = () => setOnline(navigator.onLine);
    window.addEventListener('online', update);
    window.addEventListener('offline', update);
    return () => {
      window.removeEventListener('online', update);
      window.removeEventListener('offline', update);
    };
  }, []);
  return online;
}

/** `enrolmentLink`: the token of the enrolment link the app was opened with (already out of the address). */
export function App({ enrolmentLink }: { enrolmentLink: string | null }) {
  const { t } = useLang();
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [ended, setEnded] = useState<SessionEnd | null>(null);
  const route = useRoute();
  const online = useOnline();
  const outbox = useOutbox();
  useEffect(() => {
    const stop = onSessionChange((next, why) => {
      // Whoever signs in next starts from their own first screen, not the last person's page.
      if (!next) location.hash = '';
      setEnded(why ?? null);
      setSession(next);
    });
    // A link enrols only once someone here says yes to whose tablet it makes this device: a link sent or
    // printed by someone else must not quietly sign the person out and record their work as another's.
    const confirmEnrolment = (inspector: Session['user'], held: Session | null) =>
      Dialog.confirm({
        title: t('enrolTablet'),
        content: [t('enrolAs', { name: inspector.displayName }), held && !held.deviceToken ? t('enrolSignsOut', { name: held.user.displayName }) : ''].join(' '),
        confirmText: t('enrol'),
        cancelText: t('cancel'),
      });
    const enrolFrom = async (link: string | null) => {
      const refused = link ? await enrol(link, confirmEnrolment) : null;
      const held = await savedSession();
      if (refused) {
        setEnded(refused);
        if (held) Toast.show({ content: t(refused.reason), icon: 'fail' });
      }
      setSession(held);
    };
    void enrolFrom(enrolmentLink);
    // The camera app may hand the link to the app already open: a new fragment, not a new page.
    const onHashChange = () => {
      const link = takeEnrolmentLink();
      if (link) void enrolFrom(link);
    };
    window.addEventListener('hashchange', onHashChange);
    return () => {
      stop();
      window.removeEventListener('hashchange', onHashChange);
    };
  }, []);
  // A tablet's token may have been revoked while the app was closed: asking whom it acts as finds out at once.
  const deviceToken = session?.deviceToken;
  useEffect(() => {
    if (deviceToken) void api.GET('/me').catch(() => undefined);
  }, [deviceToken]);
  if (session === undefined) return null;
  if (session === null) return <Login ended={ended} />;
  const tablet = session.deviceToken !== undefined;

  const tabs = TABS.filter((tab) => tab.roles === 'all' || tab.roles.some((role) => session.user.roles.includes(role)));
  const [screen = tabs[0].key, id] = route;
  const page = (() => {
    if (screen === 'rounds' && id) return <RoundPage roundId={id} user={session.user} />;
    if (screen === 'findings' && id) return <FindingPage findingId={id} />;
    switch (screen) {
      case 'rounds':
        return <Rounds user={session.user} />;
      case 'department':
        return <DepartmentFindings />;
      case 'verify':
        return <VerifyQueue />;
      case 'follow-ups':
        return <FollowUpQueue />;
      case 'audit':
        return <AuditQueue />;
      case 'notifications':
        return <Notifications />;
      case 'outbox':
        return <Outbox />;
      default:
        return <Me user={session.user} tablet={tablet} />;
    }
  })();
  const tab = tabs.find((candidate) => candidate.key === screen);
  // A round or a finding opened from a list: the way back is shown, the tab it came from stays lit.
  const detail = id !== undefined;
  return (
    <SignedInProvider value={session.user}>
      <div className="app">
        {/* A plain header: antd-mobile's NavBar gives its back arrow a button role without a name. */}
        <header className="top">
          {detail && (
            <Button className="back" fill="none" onClick={() => history.back()}>
              <LeftOutline /> {t('back')}
            </Button>
          )}
          <h1 className="screen-title">{t(detail ? (screen === 'findings' ? 'finding' : 'round') : (tab?.title ?? 'me'))}</h1>
          {tablet && <p className="acting-as">{t('enrolledTablet')} · {t('actingAs', { name: session.user.displayName })}</p>}
        </header>
        {!online && (
          <NoticeBar content={t('offline')} color="alert" />
        )}
        <main className="body">{page}</main>
        <TabBar activeKey={tab?.key ?? null} onChange={(key) => go(key)} className="tabs">
          {tabs.map((item) => (
            <TabBar.Item
              key={item.key}
              title={t(item.title)}
              icon={item.key === 'outbox' ? <Badge content={outbox.length || null}>{item.icon}</Badge> : item.icon}
            />
          ))}
        </TabBar>
        <SafeArea position="bottom" />
      </div>
    </SignedInProvider>
  );
}
