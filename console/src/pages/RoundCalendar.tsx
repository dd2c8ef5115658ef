import { App, Button, Calendar, Checkbox, ConfigProvider, Form, Input, Radio, Select, Space, Table, Tabs, Tag, Typography } from 'antd';
import dayjs, { Dayjs } from 'dayjs';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError, Schemas, api, currentUser, ok } from '../api';
import { FormDialog } from '../forms';
import { useT } from '../i18n';
import { firstReason } from '../refusal';
import { PageHeading } from '../page-heading';
import { Person, PersonPicker } from '../person-picker';

type Round = Schemas['RoundDto'];
type Plan = Schemas['RoundPlanDto'];
type RoundType = Round['types'][number];
type RoundValues = Schemas['CreateRoundDto'];
type PlanValues = Omit<Schemas['CreateRoundPlanDto'], 'rule'> & { preset: string; rule?: string; departments: 'listed' | 'kind' };

const TYPES: RoundType[] = ['administrative', 'party_building', 'integrity'];
/** Each round type's colour, dark enough for white text (AA). */
export const TYPE_COLOURS: Record<RoundType, string> = { administrative: '#0958d9', party_building: '#a8071a', integrity: '#531dab' };
const WEEKDAYS = ['MO', 'TU', 'WE', 'TH', 'FR'] as const;
/** Rules offered ready-made; anything else is typed as an RFC 5545 RRULE. */
const PRESETS = [...WEEKDAYS.map((day) => `FREQ=WEEKLY;BYDAY=${day}`), 'FREQ=MONTHLY;BYDAY=1MO', 'FREQ=MONTHLY;BYMONTHDAY=1'];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;

/** The month's rounds on a calendar coloured by type, planning a round or a recurring plan, and the lead's plans. */
export default function RoundCalendar() {
  const { t, label } = useT();
  const { message, modal } = App.useApp();
  const [params, setParams] = useSearchParams();
  const month = MONTH.test(params.get('month') ?? '') ? params.get('month')! : dayjs().format('YYYY-MM');
  const first = dayjs(`${month}-01`);
  const [rounds, setRounds] = useState<Round[]>([]);
  const [plans, setPlans] = useState<Plan[]>([]);
  const [departments, setDepartments] = useState<Schemas['DepartmentDto'][]>([]);
  const [me, setMe] = useState<Schemas['MeDto'] | null>(null);
  const [planning, setPlanning] = useState<'round' | 'plan' | null>(null);
  const [day, setDay] = useState(first.format('YYYY-MM-DD'));
  const failed = (error: ApiError) => message.error(t('loadFailed', { reason: error.message ?? '' }));
  const load = useCallback(() => {
    // The calendar shows parts of the months before and after: their rounds too.
    const query = { scheduledFrom: first.subtract(7, 'day').format('YYYY-MM-DD'), scheduledTo: first.endOf('month').add(14, 'day').format('YYYY-MM-DD'), limit: 500 };
    ok(api.GET('/rounds', { params: { query } })).then((page) => setRounds(page.items), failed);
    ok(api.GET('/round-plans')).then(setPlans, () => setPlans([]));
  }, [month]);
  useEffect(load, [load]);
  useEffect(() => {
    ok(api.GET('/departments', { params: { query: { limit: 500 } } })).then((page) => setDepartments(page.items), failed);
    currentUser().then(setMe, failed);
  }, []);
  const isLead = me?.roles.includes('round_lead') ?? false;
  const departmentName = (id: string) => departments.find((department) => department.id === id)?.name ?? id;
  const departmentOptions = departments.map((department) => ({ value: department.id, label: `${department.name} (${department.code})` }));
  const showMonth = (next: Dayjs) => setParams({ month: next.format('YYYY-MM') });
  const typeOptions = TYPES.map((type) => ({ value: type, label: label('roundType', type) }));

  const dayCell = (date: Dayjs) => (
    <ul className="calendar-rounds" style={{ listStyle: 'none', margin: 0, padding: 0 }}>
      {rounds
        .filter((round) => round.scheduledFor === date.format('YYYY-MM-DD'))
        .map((round) => (
          <li key={round.id}>
            <Tag
              color={TYPE_COLOURS[round.types[0]]}
              data-type={round.types.join(' ')}
              style={{ textDecoration: round.state === 'cancelled' ? 'line-through' : undefined, opacity: round.state === 'completed' ? 0.75 : 1, whiteSpace: 'normal' }}
            >
              {departmentName(round.departmentId)} · {round.types.map((type) => label('roundType', type)).join('+')} · {label('state', round.state)}
            </Tag>
          </li>
        ))}
    </ul>
  );

  const skip = (plan: Plan) => {
    let on = '';
    modal.confirm({
      title: t('skipOccurrence'),
      content: <Input aria-label={t('date')} placeholder="YYYY-MM-DD" onChange={(event) => (on = event.target.value)} />,
      okText: t('skipOccurrence'),
      cancelText: t('cancel'),
      onOk: () => ok(api.POST('/round-plans/{id}/skip', { params: { path: { id: plan.id } }, body: { on } })).then(load, (error: ApiError) => message.error(t('saveFailed', { reason: firstReason(error) }))),
    });
  };
  const remove = (plan: Plan) =>
    modal.confirm({
      title: t('deletePlan'),
      content: t('deletePlanConfirm'),
      okText: t('deletePlan'),
      cancelText: t('cancel'),
      onOk: () => ok(api.DELETE('/round-plans/{id}', { params: { path: { id: plan.id } } })).then(load, (error: ApiError) => message.error(t('saveFailed', { reason: error.message ?? '' }))),
    });

  const calendar = (
    // The other months' days, greyed, still readable (AA contrast).
    <ConfigProvider theme={{ token: { colorTextDisabled: 'rgba(0, 0, 0, 0.56)' } }}>
    <Calendar
      value={first}
      onSelect={(date, { source }) => {
        if (source !== 'date') return;
        setDay(date.format('YYYY-MM-DD'));
        if (isLead) setPlanning('round');
      }}
      onPanelChange={showMonth}
      headerRender={() => (
        <Space style={{ marginBottom: 12 }}>
          <Button onClick={() => showMonth(first.subtract(1, 'month'))}>{t('previousMonth')}</Button>
          <Typography.Title level={3} style={{ margin: 0 }} className="calendar-month">
            {month}
          </Typography.Title>
          <Button onClick={() => showMonth(first.add(1, 'month'))}>{t('nextMonth')}</Button>
        </Space>
      )}
      cellRender={(date, info) => (info.type === 'date' ? dayCell(date) : info.originNode)}
    />
    </ConfigProvider>
  );

  return (
    <>
      <PageHeading title={t('roundCalendar')}>
      {isLead && (
        <Space>
          <Button type="primary" onClick={() => setPlanning('round')}>
            {t('planRound')}
          </Button>
          <Button onClick={() => setPlanning('plan')}>{t('planRecurring')}</Button>
        </Space>
      )}
      </PageHeading>
      <Space style={{ marginBottom: 8 }}>
        {TYPES.map((type) => (
          <Tag key={type} color={TYPE_COLOURS[type]}>
            {label('roundType', type)}
          </Tag>
        ))}
      </Space>
      <Tabs
        items={[
          { key: 'calendar', label: t('roundCalendar'), children: calendar },
          {
            key: 'plans',
            label: t('myPlans'),
            children: (
              <Table<Plan>
                rowKey="id"
                dataSource={plans}
                pagination={false}
                columns={[
                  { title: t('roundTypes'), dataIndex: 'types', render: (types: RoundType[]) => types.map((type) => <Tag key={type}>{label('roundType', type)}</Tag>) },
                  { title: t('departments'), key: 'departments', render: (_, plan) => plan.departmentIds?.map(departmentName).join('、') ?? t(plan.departmentKind ?? 'none') },
                  { title: t('rule'), dataIndex: 'rule', render: (rule: string) => <code>{rule}</code> },
                  { title: t('startsOn'), dataIndex: 'startsOn' },
                  { title: t('until'), dataIndex: 'until', render: (until: string | null) => until ?? '—' },
                  { title: t('skipped'), dataIndex: 'skippedOn', render: (days: string[]) => days.join(', ') || '—' },
                  {
                    title: t('actions'),
                    key: 'actions',
                    render: (_, plan) =>
                      plan.leadId === me?.id && (
                        <Space>
                          <Button type="link" onClick={() => skip(plan)}>
                            {t('skipOccurrence')}
                          </Button>
                          <Button type="link" danger onClick={() => remove(plan)}>
                            {t('deletePlan')}
                          </Button>
                        </Space>
                      ),
                  },
                ]}
              />
            ),
          },
        ]}
      />
      <FormDialog<RoundValues, Round>
        title={t('planRound')}
        open={planning === 'round'}
        initialValues={{ types: ['administrative'], scheduledFor: day, leadId: me?.id, teamMemberIds: [], unannounced: false, secretaryRound: false }}
        save={(body) => ok(api.POST('/rounds', { body }))}
        onSaved={(round) => {
          setPlanning(null);
          if (round.scheduledFor.slice(0, 7) === month) load();
          else showMonth(dayjs(round.scheduledFor));
        }}
        onCancel={() => setPlanning(null)}
      >
        {() => (
          <>
            <Form.Item name="types" label={t('roundTypes')}>
              <Checkbox.Group options={typeOptions} />
            </Form.Item>
            <Form.Item name="departmentId" label={t('department')}>
              <Select showSearch optionFilterProp="label" options={departmentOptions} />
            </Form.Item>
            <Form.Item name="scheduledFor" label={t('scheduledFor')} extra="YYYY-MM-DD">
              <Input placeholder="YYYY-MM-DD" />
            </Form.Item>
            <TeamFields me={me} />
            <Form.Item name="secretaryRound" valuePropName="checked">
              <Checkbox>{t('secretaryRound')}</Checkbox>
            </Form.Item>
          </>
        )}
      </FormDialog>
      <FormDialog<PlanValues, Plan>
        title={t('planRecurring')}
        open={planning === 'plan'}
        initialValues={{ types: ['administrative'], departments: 'listed', departmentIds: [], preset: PRESETS[0], startsOn: day, leadId: me?.id, teamMemberIds: [], unannounced: false }}
        save={({ preset, rule, departments: chosen, departmentIds, departmentKind, ...values }) =>
          ok(
            api.POST('/round-plans', {
              body: { ...values, rule: preset === 'custom' ? (rule ?? '') : preset, ...(chosen === 'listed' ? { departmentIds } : { departmentKind }), until: values.until || undefined },
            }),
          )
        }
        onSaved={() => {
          setPlanning(null);
          load();
        }}
        onCancel={() => setPlanning(null)}
      >
        {(form) => (
          <>
            <Form.Item name="types" label={t('roundTypes')}>
              <Checkbox.Group options={typeOptions} />
            </Form.Item>
            <Form.Item name="departments" label={t('departments')}>
              <Radio.Group
                options={[
                  { value: 'listed', label: t('listedDepartments') },
                  { value: 'kind', label: t('departmentsOfKind') },
                ]}
              />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(old, next) => old.departments !== next.departments}>
              {() =>
                form.getFieldValue('departments') === 'kind' ? (
                  <>
                    <Form.Item name="departmentKind" label={t('kind')}>
                      <Select options={(['clinical', 'functional'] as const).map((kind) => ({ value: kind, label: t(kind) }))} />
                    </Form.Item>
                    <Form.Item name="departmentOrder" label={t('departmentOrder')}>
                      <Radio.Group options={(['all', 'rotate'] as const).map((order) => ({ value: order, label: t(order === 'all' ? 'everyDepartment' : 'inTurn') }))} />
                    </Form.Item>
                  </>
                ) : (
                  <Form.Item name="departmentIds" label={t('departments')}>
                    <Select mode="multiple" optionFilterProp="label" options={departmentOptions} />
                  </Form.Item>
                )
              }
            </Form.Item>
            <Form.Item name="preset" label={t('rule')}>
              <Select options={[...PRESETS.map((preset) => ({ value: preset, label: ruleName(preset, t) })), { value: 'custom', label: t('customRule') }]} />
            </Form.Item>
            <Form.Item noStyle shouldUpdate={(old, next) => old.preset !== next.preset}>
              {() =>
                form.getFieldValue('preset') === 'custom' && (
                  <Form.Item name="rule" label="RRULE" extra="FREQ=MONTHLY;BYDAY=1MO">
                    <Input />
                  </Form.Item>
                )
              }
            </Form.Item>
            <Space>
              <Form.Item name="startsOn" label={t('startsOn')}>
                <Input placeholder="YYYY-MM-DD" />
              </Form.Item>
              <Form.Item name="until" label={t('until')}>
                <Input placeholder="YYYY-MM-DD" />
              </Form.Item>
            </Space>
            <TeamFields me={me} />
          </>
        )}
      </FormDialog>
    </>
  );
}

/** The planner as the lead picker shows them before any search: the lead is the planner unless another is picked. */
const asPerson = (me: Schemas['MeDto']): Person => ({
  id: me.id,
  displayName: me.displayName,
  department: me.departmentId ? { id: me.departmentId, name: me.departmentName ?? '' } : null,
  roles: me.roles.filter((role): role is Person['roles'][number] => role === 'round_lead' || role === 'inspector'),
});

/** The lead, the team (picked by name from GET /people) and whether the visit is unannounced. */
function TeamFields({ me }: { me: Schemas['MeDto'] | null }) {
  const { t } = useT();
  return (
    <>
      <Form.Item name="leadId" label={t('roundLeadPerson')}>
        <PersonPicker role="round_lead" known={me ? [asPerson(me)] : []} />
      </Form.Item>
      <Form.Item name="teamMemberIds" label={t('teamMembers')} extra={t('teamMembersHint')}>
        <PersonPicker multiple />
      </Form.Item>
      <Form.Item name="unannounced" valuePropName="checked">
        <Checkbox>{t('unannounced')}</Checkbox>
      </Form.Item>
    </>
  );
}

const WEEKDAY_WORDS = { MO: 'monday', TU: 'tuesday', WE: 'wednesday', TH: 'thursday', FR: 'friday' } as const;

/** A ready-made rule in words. */
function ruleName(rule: string, t: ReturnType<typeof useT>['t']): string {
  const weekly = /^FREQ=WEEKLY;BYDAY=(\w\w)$/.exec(rule);
  if (weekly) return t('weeklyOn', { day: t(WEEKDAY_WORDS[weekly[1] as keyof typeof WEEKDAY_WORDS]) });
  return rule === 'FREQ=MONTHLY;BYDAY=1MO' ? t('monthlyFirstMonday') : t('monthlyFirstDay');
}
