import { App, Card, Col, Row, Space, Spin, Statistic, Table, Typography } from 'antd';
import { useEffect, useMemo, useState } from 'react';
import { Schemas, api, ok } from '../api';
import { Chart, ChartOption } from '../chart';
import { Word, useT } from '../i18n';
import { dateTime } from '../time';

type Dashboard = Schemas['DashboardDto'];
type Report = Schemas['AssessmentReportDto'];
type Ranked = Schemas['DepartmentAssessmentDto'];
/** The OpenAPI document types a department's counts as unknown (a map of DTOs): they are these. */
type Counts = { open: number; overdue: number; lights: Schemas['LightCountsDto'] };

/** `YYYY-MM` of now in the time zone (this computer's when none is given). */
const monthIn = (timeZone?: string) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit' }).format(new Date()).slice(0, 7);

/** The month before `YYYY-MM`. */
function monthBefore(month: string): string {
  const [year, number] = month.split('-').map(Number);
  return number === 1 ? `${year - 1}-12` : `${year}-${String(number - 1).padStart(2, '0')}`;
}

/**
 * This month's figures and last month's, months of the hospital's calendar: the first answer tells
 * its time zone, and when this computer's month is not the hospital's the right one is asked for.
 */
async function thisAndLastMonth(): Promise<[Report, Report]> {
  const month = (value: string) => ok(api.GET('/assessments', { params: { query: { month: value } } })) as Promise<Report>;
  const guessed = await month(monthIn());
  const current = monthIn(guessed.timeZone);
  return Promise.all([current === guessed.month ? guessed : month(current), month(monthBefore(current))]);
}

/** A month's figures over the departments shown: what the month-against-last cards compare. */
function totals(report: Report) {
  const sum = (figure: (item: Ranked) => number) => report.items.reduce((total, item) => total + figure(item), 0);
  const assessed = report.items.filter((item) => item.assessment !== null);
  return {
    found: sum((item) => item.found),
    closed: sum((item) => item.closedOnTime + item.closedLate),
    overdue: sum((item) => item.overdueAtMonthEnd),
    assessment: assessed.length ? Math.round((assessed.reduce((total, item) => total + item.assessment!, 0) / assessed.length) * 10) / 10 : null,
  };
}

/** Read out, not shown: the arrow's meaning. */
const SCREEN_READER_ONLY = { position: 'absolute', width: 1, height: 1, overflow: 'hidden', clipPath: 'inset(50%)', whiteSpace: 'nowrap' } as const;

const LIGHT_COLOURS = { red: '#cf1322', yellow: '#d48806', green: '#389e0d' };

/**
 * 驾驶舱: open and overdue findings by department, opened and closed by week, the supervision lights,
 * this month's rankings and this month against the last. Every figure is over what the reader may see.
 */
export default function DashboardPage() {
  const { t, label, lang } = useT();
  const { message } = App.useApp();
  const [data, setData] = useState<{ dashboard: Dashboard; month: Report; lastMonth: Report; names: Map<string, string> }>();
  useEffect(() => {
    Promise.all([ok(api.GET('/dashboard')), thisAndLastMonth(), ok(api.GET('/departments', { params: { query: { limit: 500 } } }))]).then(
      ([dashboard, [thisMonth, lastMonth], departments]) =>
        setData({ dashboard, month: thisMonth, lastMonth, names: new Map(departments.items.map((department) => [department.id, department.name])) }),
      (error: { message?: string }) => message.error(t('loadFailed', { reason: error.message ?? '' })),
    );
  }, []);

  const charts = useMemo(() => {
    if (!data) return undefined;
    const { dashboard, names } = data;
    const departments = (Object.entries(dashboard.byDepartment) as [string, Counts][]).sort(([, a], [, b]) => b.open - a.open);
    const lights: ChartOption = {
      tooltip: { trigger: 'item' },
      legend: { bottom: 0 },
      series: [
        {
          type: 'pie',
          radius: ['40%', '70%'],
          data: (['red', 'yellow', 'green'] as const).map((light) => ({ name: label('light', light), value: dashboard.openByLight[light], itemStyle: { color: LIGHT_COLOURS[light] } })),
        },
      ],
    };
    const byDepartment: ChartOption = {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: departments.map(([id]) => names.get(id) ?? id) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'bar', name: t('openFindings'), data: departments.map(([, counts]) => counts.open), itemStyle: { color: '#0958d9' } },
        { type: 'bar', name: t('overdue'), data: departments.map(([, counts]) => counts.overdue), itemStyle: { color: '#cf1322' } },
      ],
    };
    const weeks: ChartOption = {
      tooltip: { trigger: 'axis' },
      legend: { bottom: 0 },
      grid: { left: 40, right: 16, top: 16, bottom: 56 },
      xAxis: { type: 'category', data: dashboard.weeks.map((week) => week.week.slice(5)) },
      yAxis: { type: 'value', minInterval: 1 },
      series: [
        { type: 'line', name: t('opened'), data: dashboard.weeks.map((week) => week.opened), itemStyle: { color: '#0958d9' } },
        { type: 'line', name: t('closed'), data: dashboard.weeks.map((week) => week.closed), itemStyle: { color: '#389e0d' } },
      ],
    };
    return { lights, byDepartment, weeks };
    // Labels follow the language.
  }, [data, lang]);

  if (!data || !charts) return <Spin />;
  const now = totals(data.month);
  const before = totals(data.lastMonth);
  const lastAssessment = new Map(data.lastMonth.items.map((item) => [item.departmentId, item.assessment]));
  const rankings = [...data.month.items].sort((a, b) => a.departmentKind.localeCompare(b.departmentKind) || (a.rank ?? Infinity) - (b.rank ?? Infinity) || a.departmentCode.localeCompare(b.departmentCode));

  return (
    <>
      <Typography.Title level={2}>{t('dashboard')}</Typography.Title>
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('monthAgainstLast', { month: data.month.month, last: data.lastMonth.month })}</h3>} style={{ marginBottom: 16 }}>
        <Row gutter={16} className="month-against-last">
          <Compare title="foundInMonth" now={now.found} before={before.found} betterWhen="lower" />
          <Compare title="closedInMonth" now={now.closed} before={before.closed} betterWhen="higher" />
          <Compare title="overdueAtMonthEnd" now={now.overdue} before={before.overdue} betterWhen="lower" />
          <Compare title="averageAssessment" now={now.assessment} before={before.assessment} betterWhen="higher" />
        </Row>
      </Card>
      <Row gutter={16}>
        <Col span={8}>
          <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('supervisionLights')}</h3>}>
            <Chart option={charts.lights} label={`${t('supervisionLights')}: ${(['red', 'yellow', 'green'] as const).map((light) => `${label('light', light)} ${data.dashboard.openByLight[light]}`).join(', ')}`} />
          </Card>
        </Col>
        <Col span={16}>
          <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('openByDepartment')}</h3>}>
            <Chart
              option={charts.byDepartment}
              label={`${t('openByDepartment')}: ${(Object.entries(data.dashboard.byDepartment) as [string, Counts][])
                .map(([id, counts]) => `${data.names.get(id) ?? id} ${counts.open} / ${counts.overdue}`)
                .join(', ')}`}
            />
          </Card>
        </Col>
      </Row>
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('byWeek')}</h3>} style={{ marginTop: 16 }}>
        <Chart option={charts.weeks} label={`${t('byWeek')}: ${data.dashboard.weeks.map((week) => `${week.week} ${week.opened}/${week.closed}`).join(', ')}`} height={240} />
      </Card>
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('rankings', { month: data.month.month })}</h3>} style={{ marginTop: 16 }}>
        <Table<Ranked>
          className="rankings"
          rowKey="departmentId"
          size="small"
          pagination={false}
          dataSource={rankings}
          columns={[
            { title: t('department'), dataIndex: 'departmentName' },
            { title: t('kind'), dataIndex: 'departmentKind', render: (kind: Ranked['departmentKind']) => t(kind) },
            { title: t('rank'), key: 'rank', render: (_, item) => (item.rank === null ? '—' : `${item.rank} / ${item.rankOf}`) },
            { title: t('assessment'), dataIndex: 'assessment', render: (value: number | null) => value ?? '—' },
            { title: t('lastMonth'), key: 'last', render: (_, item) => <Trend now={item.assessment} before={lastAssessment.get(item.departmentId) ?? null} betterWhen="higher" /> },
            { title: t('grade'), key: 'grade', render: (_, item) => item.gradeLabel[lang] },
            { title: t('foundInMonth'), dataIndex: 'found' },
            { title: t('closedInMonth'), key: 'closed', render: (_, item) => item.closedOnTime + item.closedLate },
            { title: t('overdueAtMonthEnd'), dataIndex: 'overdueAtMonthEnd' },
          ]}
        />
      </Card>
      <Card title={<h3 style={{ margin: 0, fontSize: 16 }}>{t('oldestOverdue')}</h3>} style={{ marginTop: 16 }}>
        <Table<Schemas['DashboardOverdueFindingDto']>
          rowKey="id"
          size="small"
          pagination={false}
          dataSource={data.dashboard.oldestOverdue}
          columns={[
            { title: t('findingTitle'), dataIndex: 'title' },
            { title: t('department'), dataIndex: 'responsibleDepartmentId', render: (id: string) => data.names.get(id) ?? id },
            { title: t('roundType'), dataIndex: 'roundType', render: (type: string) => label('roundType', type) },
            { title: t('status'), dataIndex: 'state', render: (state: string) => label('state', state) },
            { title: t('due'), key: 'due', render: (_, finding) => dateTime(finding.committedDue ?? finding.deadline) },
          ]}
        />
      </Card>
    </>
  );
}

/** One figure of this month beside last month's. */
function Compare({ title, now, before, betterWhen }: { title: Word; now: number | null; before: number | null; betterWhen: 'higher' | 'lower' }) {
  const { t } = useT();
  return (
    <Col span={6}>
      <Statistic title={t(title)} value={now ?? '—'} />
      <Space>
        <Trend now={now} before={before} betterWhen={betterWhen} />
      </Space>
    </Col>
  );
}

/** Last month's figure with an arrow saying which way it went, green when better and red when worse. */
function Trend({ now, before, betterWhen }: { now: number | null; before: number | null; betterWhen: 'higher' | 'lower' }) {
  const { t } = useT();
  const shown = before ?? '—';
  if (now === null || before === null || now === before) return <span className="trend">{`${now === before && now !== null ? '→ ' : ''}${t('lastMonthWas', { value: shown })}`}</span>;
  const rose = now > before;
  const better = rose === (betterWhen === 'higher');
  return (
    <span className="trend" style={{ color: better ? '#237804' : '#cf1322' }} title={t(rose ? 'up' : 'down')}>
      <span aria-hidden>{rose ? '↑' : '↓'}</span> <span style={SCREEN_READER_ONLY}>{t(rose ? 'up' : 'down')}</span> {t('lastMonthWas', { value: shown })}
    </span>
  );
}
