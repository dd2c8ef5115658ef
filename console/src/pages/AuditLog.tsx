import { Alert, App, Button, Card, DatePicker, Descriptions, Progress, Select, Space, Table, Typography } from 'antd';
import dayjs from 'dayjs';
import { useEffect, useRef, useState } from 'react';
import { ApiError, Schemas, api, ok } from '../api';
import { openCaseFile } from '../files';
import { useT } from '../i18n';
import { SearchBox, useServerList } from '../lists';
import { refusalText } from '../refusal';
import { dateTime } from '../time';

type Entry = Schemas['AuditEntryDto'];
type EntityType = Entry['entityType'];

const ENTITY_TYPES: EntityType[] = [
  'finding',
  'round',
  'closure_audit',
  'user',
  'device',
  'department',
  'data_access',
  'webhook',
  'checklist',
  'interview',
  'finding_import',
  'round_plan',
  'party_branch',
  'published_month',
  'announcement',
];
const FILTERS = ['entityType', 'entityId', 'event', 'actorId', 'from', 'to'] as const;

/** The audit log: every entry the caller may read, filtered by the service, the filters in the address; the chain's head and a verification. */
export default function AuditLog() {
  const { t } = useT();
  return (
    <>
      <Typography.Title level={2}>{t('auditLog')}</Typography.Title>
      <ChainStatus />
      <AuditEntries entityTypes={ENTITY_TYPES} />
    </>
  );
}

/**
 * Audit entries, paged and filtered by the service (`GET /audit`) with the filters in the address;
 * `entityTypes` are those offered, the first taken when the address names none and `pick` is set.
 */
export function AuditEntries({ entityTypes, pick = false }: { entityTypes: EntityType[]; pick?: boolean }) {
  const words = useT();
  const { t } = words;
  const { message } = App.useApp();
  const list = useServerList(FILTERS, [], (query) =>
    ok(api.GET('/audit', { params: { query: { ...query, entityType: (query.entityType as EntityType | undefined) ?? (pick ? entityTypes[0] : undefined) } } })),
  );
  const { filters, setFilter } = list;
  const entityType = filters.entityType ?? (pick ? entityTypes[0] : undefined);
  const caseFile = (id: string) => openCaseFile(id).catch((error: ApiError) => message.error(refusalText(error, words)));

  return (
    <>
      <Space wrap style={{ marginBottom: 16 }} role="search" aria-label={t('filter')}>
        <Select<string>
          aria-label={t('entityType')}
          placeholder={t('entityType')}
          allowClear={!pick}
          value={entityType}
          onChange={(value) => setFilter('entityType', value)}
          style={{ width: 180 }}
          options={entityTypes.map((type) => ({ value: type, label: type }))}
        />
        <SearchBox label={t('event')} value={filters.event} onSearch={(value) => setFilter('event', value)} />
        <SearchBox label={t('entityId')} value={filters.entityId} onSearch={(value) => setFilter('entityId', value)} />
        <SearchBox label={t('actorId')} value={filters.actorId} onSearch={(value) => setFilter('actorId', value)} />
        {/* From inclusive, to exclusive, as the service reads them; both ends change the address at once. */}
        <DatePicker.RangePicker
          aria-label={t('period')}
          showTime
          allowEmpty={[true, true]}
          value={[filters.from ? dayjs(filters.from) : null, filters.to ? dayjs(filters.to) : null]}
          onChange={(range) => list.setFilters({ from: range?.[0]?.toISOString(), to: range?.[1]?.toISOString() })}
        />
      </Space>
      <Table<Entry>
        // An entry not linked to the chain yet (PostgreSQL, for a moment) has no number: its request, instant and event tell it apart.
        rowKey={(entry) => entry.seq ?? `${entry.requestId} ${entry.at} ${entry.event}`}
        size="small"
        {...list.table}
        columns={[
          { title: '#', dataIndex: 'seq', width: 70 },
          { title: t('at'), dataIndex: 'at', render: dateTime },
          { title: t('actor'), key: 'actor', render: (_, entry) => (entry.actorId ? `${entry.actorRole} · ${entry.actorId.slice(0, 8)}` : t('system')) },
          { title: t('event'), dataIndex: 'event' },
          {
            title: t('entityType'),
            key: 'entity',
            render: (_, entry) =>
              entry.entityType === 'finding' && entry.entityId ? (
                <Button type="link" size="small" style={{ padding: 0 }} onClick={() => void caseFile(entry.entityId!)} aria-label={`${t('caseFile')} ${entry.entityId}`}>
                  {t('caseFile')} {entry.entityId.slice(0, 8)}
                </Button>
              ) : (
                `${entry.entityType}${entry.entityId ? ` · ${entry.entityId.slice(0, 8)}` : ''}`
              ),
          },
          {
            title: t('details'),
            key: 'details',
            render: (_, entry) => (
              <Typography.Text style={{ fontSize: 12, wordBreak: 'break-all' }}>
                {entry.withheld ? t('withheld') : JSON.stringify({ ...(entry.from ? { from: entry.from } : {}), ...(entry.to ? { to: entry.to } : {}), ...entry.payload })}
              </Typography.Text>
            ),
          },
        ]}
      />
    </>
  );
}

type Job = Schemas['ChainVerificationJobDto'];

/** The chain's current head, and a verification of the whole chain run by the service, its progress polled. */
function ChainStatus() {
  const { t } = useT();
  const [head, setHead] = useState<Schemas['ChainHeadDto'] | null>(null);
  const [job, setJob] = useState<Job | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const polling = useRef<ReturnType<typeof setTimeout>>(undefined);
  const loadHead = () => void ok(api.GET('/audit/head')).then(setHead, () => undefined);
  useEffect(() => {
    loadHead();
    return () => clearTimeout(polling.current);
  }, []);

  const poll = async (id: string) => {
    try {
      const now = await ok(api.GET('/audit/verifications/{id}', { params: { path: { id } } }));
      setJob(now);
      if (now.status === 'queued' || now.status === 'running') polling.current = setTimeout(() => void poll(id), 500);
      else loadHead();
    } catch (error) {
      setFailure((error as ApiError).message ?? String(error));
    }
  };
  const verify = async () => {
    setFailure(null);
    setJob(null);
    try {
      const { id } = await ok(api.POST('/audit/verifications'));
      await poll(id);
    } catch (error) {
      setFailure((error as ApiError).message ?? String(error));
    }
  };
  const running = job !== null && (job.status === 'queued' || job.status === 'running');
  const percent = job?.total ? Math.floor((100 * job.checked) / job.total) : 0;

  return (
    <Card size="small" title={t('chainHead')} style={{ marginBottom: 16 }} extra={<Button type="primary" onClick={() => void verify()} loading={running}>{t('verifyNow')}</Button>}>
      {head && (
        <Descriptions size="small" column={1}>
          <Descriptions.Item label={t('chainHeadAt', { seq: head.seq, at: dateTime(head.at) })}>
            <Typography.Text code className="chain-digest">
              {head.digest}
            </Typography.Text>
          </Descriptions.Item>
        </Descriptions>
      )}
      {job && (
        <div className="chain-verification" aria-live="polite">
          {running && (
            <>
              <Progress percent={percent} aria-label={t('verifying', { checked: job.checked, total: job.total ?? '…' })} />
              <Typography.Text>{t('verifying', { checked: job.checked, total: job.total ?? '…' })}</Typography.Text>
            </>
          )}
          {job.status === 'done' && job.ok && <Alert type="success" showIcon message={t('chainIntact', { checked: job.checked, files: job.attachmentsChecked ?? 0 })} />}
          {job.status === 'done' && !job.ok && job.firstBroken && <Alert type="error" showIcon message={t('chainBroken', { seq: job.firstBroken.seq, reason: job.firstBroken.reason })} />}
          {job.status === 'failed' && <Alert type="error" showIcon message={t('verifyFailed', { reason: job.error ?? '' })} />}
        </div>
      )}
      {failure && <Alert type="error" showIcon message={t('verifyFailed', { reason: failure })} />}
    </Card>
  );
}
