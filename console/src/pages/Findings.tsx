import { App, Button, DatePicker, Input, Modal, Progress, Result, Select, Space, Spin, Switch, Table, Tag, Typography } from 'antd';
import dayjs from 'dayjs';
import { lazy, useEffect, useRef, useState } from 'react';
import { Link, Route, Routes, useLocation, useNavigate } from 'react-router-dom';
import { registrableTypes } from '../access';
import { FINDING_PROGRESS_STATES, FINDING_SOURCES, LIGHTS } from '../../../workflows/finding.types';
import { ROUND_TYPES, SEVERITIES } from '../../../workflows/vocabulary';
import { ApiError, Me, Schemas, api, currentUser, ok } from '../api';
import { Word, useT } from '../i18n';
import { Page, useServerList } from '../lists';
import { download } from '../files';
import { LIGHT_COLOURS } from './lights';
import { PageHeading } from '../page-heading';
import { date } from '../time';

const FindingPage = lazy(() => import('./FindingPage'));
const RegisterFinding = lazy(() => import('./RegisterFinding'));
const ImportList = lazy(() => import('./ImportList'));

/** The ledger's rows the list shows (src/reports/ledger.ts LedgerRow; its JSON page is not typed in the API document). */
interface Row {
  index: number;
  findingId: string;
  title: string;
  roundType: string;
  source: string;
  department: string;
  severity: string;
  state: string;
  light: string | null;
  deadline: string | null;
  daysOverdue: number | null;
}

/** The ledger's filters, as the address carries them and the service takes them (GET /reports/ledger, POST /reports/exports). */
const FILTERS = ['roundType', 'source', 'responsibleDepartmentId', 'partyBranchId', 'state', 'light', 'severity', 'overdue', 'createdFrom', 'createdTo', 'closedFrom', 'closedTo'] as const;
type Filters = Partial<Record<(typeof FILTERS)[number], string>>;

/** The columns the service sorts the ledger by (src/reports/ledger.ts LEDGER_SORTS) that the list shows. */
const SORTS = ['title', 'roundType', 'source', 'department', 'severity', 'state', 'light', 'deadline', 'daysOverdue'] as const;
type Sort = (typeof SORTS)[number];

/** The problem list and, under it, each finding's page; registering one and importing a list for those who may (registrableTypes). */
export default function Findings() {
  const { t } = useT();
  const [me, setMe] = useState<Me | null>(null);
  useEffect(() => void currentUser().then(setMe, () => undefined), []);
  const registrar = me !== null && registrableTypes(me).length > 0;
  const refused = <Result status="403" title={t('notAllowed')} />;
  return (
    <Routes>
      <Route index element={<ProblemList registrar={registrar} />} />
      <Route path="register" element={me === null ? <Spin /> : registrar ? <RegisterFinding me={me} /> : refused} />
      <Route path="import" element={me === null ? <Spin /> : registrar ? <ImportList /> : refused} />
      <Route path=":id" element={<FindingPage />} />
    </Routes>
  );
}

/**
 * The problem list (问题清单): the ledger's rows as the caller may see them, paged and filtered by the
 * service (GET /reports/ledger, which also takes the days logged and closed), the filters in the address.
 */
function ProblemList({ registrar }: { registrar: boolean }) {
  const { t, label } = useT();
  const navigate = useNavigate();
  const list = useServerList<Row, (typeof FILTERS)[number], Sort>(FILTERS, SORTS, (query) => ok(api.GET('/reports/ledger', { params: { query: query as never } })) as Promise<Page<Row>>);
  const [departments, setDepartments] = useState<{ value: string; label: string }[]>([]);
  const [branches, setBranches] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => {
    ok(api.GET('/departments', { params: { query: { limit: 500 } } })).then((page) => setDepartments(page.items.map((d) => ({ value: d.id, label: d.name }))), () => undefined);
    ok(api.GET('/party-branches', { params: { query: { limit: 500 } } })).then((page) => setBranches(page.items.map((b) => ({ value: b.id, label: b.name }))), () => undefined);
  }, []);
  const choice = (name: (typeof FILTERS)[number], word: Word, options: { value: string; label: string }[], width = 150) => (
    <Select
      aria-label={t(word)}
      placeholder={t(word)}
      allowClear
      showSearch
      optionFilterProp="label"
      style={{ width }}
      value={list.filters[name]}
      onChange={(value?: string) => list.setFilter(name, value)}
      options={options}
    />
  );
  const labelled = (group: 'roundType' | 'source' | 'state' | 'light' | 'severity', names: readonly string[]) => names.map((name) => ({ value: name, label: label(group, name) }));
  const days = (from: 'createdFrom' | 'closedFrom', to: 'createdTo' | 'closedTo', word: Word) => (
    <DatePicker.RangePicker
      aria-label={t(word)}
      placeholder={[t(word), t(word)]}
      value={list.filters[from] && list.filters[to] ? [dayjs(list.filters[from]), dayjs(list.filters[to])] : null}
      onChange={(range) => {
        const [start, end] = range ?? [];
        list.setFilters({ [from]: start?.format('YYYY-MM-DD'), [to]: end?.format('YYYY-MM-DD') });
      }}
    />
  );
  return (
    <>
      <PageHeading title={t('findings')}>
        <Space>
          {registrar && (
            <>
              <Button onClick={() => navigate('register')}>{t('registerFinding')}</Button>
              <Button onClick={() => navigate('import')}>{t('importList')}</Button>
            </>
          )}
          <LedgerExport filters={list.filters} sort={list.sort} order={list.order} />
        </Space>
      </PageHeading>
      <Space wrap style={{ marginBottom: 16 }}>
        {choice('roundType', 'roundType', labelled('roundType', ROUND_TYPES))}
        {choice('source', 'source', labelled('source', FINDING_SOURCES))}
        {choice('responsibleDepartmentId', 'department', departments, 180)}
        {choice('partyBranchId', 'partyBranch', branches, 180)}
        {choice('state', 'state', labelled('state', FINDING_PROGRESS_STATES))}
        {choice('light', 'light', labelled('light', LIGHTS), 120)}
        {choice('severity', 'severity', labelled('severity', SEVERITIES), 120)}
        <label>
          <Space>
            <Switch checked={list.filters.overdue === 'true'} onChange={(on) => list.setFilter('overdue', on ? 'true' : undefined)} />
            {t('overdueOnly')}
          </Space>
        </label>
        {days('createdFrom', 'createdTo', 'createdBetween')}
        {days('closedFrom', 'closedTo', 'closedBetween')}
      </Space>
      <SavedViews />
      <Table<Row>
        rowKey="findingId"
        {...list.table}
        columns={[
          { title: '#', dataIndex: 'index', width: 56 },
          { title: t('title'), dataIndex: 'title', ...list.sorted('title'), render: (title: string, row) => <Link to={row.findingId}>{title}</Link> },
          { title: t('roundType'), dataIndex: 'roundType', ...list.sorted('roundType'), render: (type: string) => label('roundType', type) },
          { title: t('source'), dataIndex: 'source', ...list.sorted('source'), render: (source: string) => label('source', source) },
          { title: t('department'), dataIndex: 'department', ...list.sorted('department') },
          { title: t('severity'), dataIndex: 'severity', ...list.sorted('severity'), render: (severity: string) => label('severity', severity) },
          { title: t('state'), dataIndex: 'state', ...list.sorted('state'), render: (state: string) => label('state', state) },
          { title: t('light'), dataIndex: 'light', ...list.sorted('light'), render: (light: string | null) => (light ? <Tag color={LIGHT_COLOURS[light]}>{label('light', light)}</Tag> : '—') },
          { title: t('deadline'), dataIndex: 'deadline', ...list.sorted('deadline'), render: date },
          { title: t('daysOverdue'), dataIndex: 'daysOverdue', ...list.sorted('daysOverdue'), render: (n: number | null) => n ?? '—' },
        ]}
      />
    </>
  );
}

interface SavedView {
  name: string;
  search: string;
}

/**
 * Named filter sets the person keeps: a view is the list's address. Kept in this browser's local
 * storage under the person's id (not on the service), so they follow the person on this computer only.
 */
function SavedViews() {
  const { t } = useT();
  const { search } = useLocation();
  const [key, setKey] = useState<string | null>(null);
  const [views, setViews] = useState<SavedView[]>([]);
  const [naming, setNaming] = useState(false);
  const [name, setName] = useState('');
  useEffect(() => {
    void currentUser().then((me) => {
      const storageKey = `console.findingViews.${me.id}`;
      setKey(storageKey);
      setViews(JSON.parse(localStorage.getItem(storageKey) ?? '[]') as SavedView[]);
    });
  }, []);
  const keep = (next: SavedView[]) => {
    setViews(next);
    if (key) localStorage.setItem(key, JSON.stringify(next));
  };
  const save = () => {
    if (!name.trim()) return;
    keep([...views.filter((view) => view.name !== name.trim()), { name: name.trim(), search }]);
    setNaming(false);
    setName('');
  };
  return (
    <Space wrap style={{ marginBottom: 16 }} aria-label={t('savedViews')} role="group">
      <Typography.Text>{t('savedViews')}:</Typography.Text>
      {views.map((view) => (
        <Tag key={view.name}>
          <Link to={{ search: view.search }} className="saved-view">
            {view.name}
          </Link>
          {/* A button, not the tag's close icon, so the keyboard reaches it too. */}
          <Button type="text" size="small" aria-label={t('deleteView', { name: view.name })} onClick={() => keep(views.filter((other) => other !== view))}>
            ×
          </Button>
        </Tag>
      ))}
      <Button size="small" onClick={() => setNaming(true)}>
        {t('saveView')}
      </Button>
      <Typography.Text type="secondary">{t('savedViewsWhere')}</Typography.Text>
      <Modal title={t('saveView')} open={naming} okText={t('save')} cancelText={t('cancel')} onOk={save} onCancel={() => setNaming(false)}>
        <label>
          {t('viewName')}
          <Input id="viewName" value={name} onChange={(event) => setName(event.target.value)} onPressEnter={save} autoFocus />
        </label>
      </Modal>
    </Space>
  );
}

type ExportJob = Schemas['LedgerExportDto'];

/** The ledger as a file, drawn with the list's filters and in its order: a job the service writes in the background, its progress polled, then the file. */
function LedgerExport({ filters, sort, order }: { filters: Filters; sort?: Sort; order?: 'asc' | 'desc' }) {
  const { t } = useT();
  const { message } = App.useApp();
  const [job, setJob] = useState<ExportJob | null>(null);
  const polling = useRef<number | undefined>(undefined);
  useEffect(() => () => window.clearTimeout(polling.current), []);
  const follow = async (id: string) => {
    const progress = await ok(api.GET('/reports/exports/{id}', { params: { path: { id } } }));
    setJob(progress);
    if (progress.status === 'done') await fetchFile(id);
    else if (progress.status === 'failed') message.error(t('exportFailed', { reason: progress.error ?? '' }));
    else polling.current = window.setTimeout(() => void follow(id), 500);
  };
  const fetchFile = (id: string) =>
    download(`/reports/exports/${id}/file`, {}, 'ledger').catch((error: { statusCode?: number }) => message.error(t('loadFailed', { reason: String(error.statusCode ?? '') })));
  const start = async (format: 'xlsx' | 'csv') => {
    const { overdue, ...rest } = filters;
    try {
      const started = await ok(api.POST('/reports/exports', { body: { format, ...rest, ...(overdue === 'true' && { overdue: true }), ...(sort && { sort, order }) } as never }));
      setJob(started as ExportJob);
      await follow((started as ExportJob).id);
    } catch (caught) {
      message.error(t('exportFailed', { reason: (caught as ApiError).message ?? '' }));
    }
  };
  const running = job !== null && (job.status === 'queued' || job.status === 'running');
  const percent = job === null ? 0 : job.status === 'done' ? 100 : job.total ? Math.floor((100 * job.rows) / job.total) : 0;
  return (
    <Space>
      {job && (
        <Space className="export-job">
          <Progress aria-label={t('exportProgress')} percent={percent} status={job.status === 'failed' ? 'exception' : running ? 'active' : 'success'} style={{ width: 180 }} size="small" />
          {job.status === 'done' && (
            <>
              <span role="status">{t('exportDone', { rows: job.rows })}</span>
              <Button size="small" onClick={() => void fetchFile(job.id)}>
                {t('download')}
              </Button>
            </>
          )}
        </Space>
      )}
      <Button onClick={() => void start('csv')} disabled={running}>
        {t('exportCsv')}
      </Button>
      <Button type="primary" onClick={() => void start('xlsx')} disabled={running}>
        {t('exportXlsx')}
      </Button>
    </Space>
  );
}
