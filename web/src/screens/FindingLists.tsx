import { List, NoticeBar, Tag } from 'antd-mobile';
import { api } from '../api/client';
import type { Schemas } from '../db';
import { useLang } from '../i18n';
import { FindingItem, body, useLoad } from './common';

function Findings({ findings, error }: { findings?: Schemas['FindingDto'][]; error: string | null }) {
  const { t } = useLang();
  if (error) return <p className="pad error-text">{error}</p>;
  return (
    <List>
      {(findings ?? []).map((finding) => <FindingItem key={finding.id} finding={finding} />)}
      {findings?.length === 0 && <List.Item>{t('nothing')}</List.Item>}
    </List>
  );
}

const OPEN_STATES = ['assigned', 'disputed', 'rectifying', 'verifying'] as const;

/** The department's open findings, soonest deadline first (the server scopes them to the department). */
export function DepartmentFindings() {
  const { data, error } = useLoad(async () => {
    const pages = await Promise.all(OPEN_STATES.map((state) => body(api.GET('/findings', { params: { query: { state, limit: 500 } } }))));
    return pages.flatMap((page) => page.items).sort((a, b) => (a.deadline ?? '9').localeCompare(b.deadline ?? '9'));
  }, []);
  return <Findings findings={data} error={error} />;
}

/** Findings waiting for this verifier's office: those it may accept or reject now. */
export function VerifyQueue() {
  const { data, error } = useLoad(
    async () => (await body(api.GET('/findings', { params: { query: { state: 'verifying', limit: 500 } } }))).items.filter((finding) => finding.availableEvents.includes('VERIFY_ACCEPT')),
    [],
  );
  return <Findings findings={data} error={error} />;
}

/**
 * The follow-up checks (回头看) due for this verifier's office, the earliest due first: each opens on
 * its finding, where the check is recorded (passed, or failed with a new deadline).
 */
export function FollowUpQueue() {
  const { data, error } = useLoad(async () => (await body(api.GET('/follow-ups', { params: { query: { due: true, limit: 500 } } }))).items, []);
  return <Findings findings={data} error={error} />;
}

/** The discipline office's closure audits, with the audit chain's status above them. */
export function AuditQueue() {
  const { t } = useLang();
  const queue = useLoad(() => body(api.GET('/closure-audits', { params: { query: { limit: 500 } } })), []);
  const chain = useLoad(() => body(api.GET('/audit/verify')), []);
  return (
    <div>
      {chain.data && (
        <NoticeBar
          color={chain.data.ok ? 'info' : 'error'}
          content={`${t(chain.data.ok ? 'chainOk' : 'chainBroken')} · ${t('entriesChecked', { n: chain.data.checked })}`}
        />
      )}
      {queue.error && <p className="pad error-text">{queue.error}</p>}
      <List>
        {(queue.data?.items ?? []).map((entry) => (
          <div key={entry.finding.id}>
            <FindingItem finding={entry.finding} />
            <Tag style={{ margin: '0 12px 8px' }}>{t(entry.reason === 'required' ? 'required_reason' : 'sampled')}</Tag>
          </div>
        ))}
        {queue.data?.items.length === 0 && <List.Item>{t('nothing')}</List.Item>}
      </List>
    </div>
  );
}
