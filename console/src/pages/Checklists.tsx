import { Alert, App, Button, Checkbox, Form, Input, InputNumber, Segmented, Space, Table, Tag, Typography } from 'antd';
import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Schemas, api, ok } from '../api';
import { useT } from '../i18n';
import { useServerSubmit } from '../lists';
import { dateTime } from '../time';

type Checklist = Schemas['ChecklistDto'];
type Item = Schemas['ChecklistItemDto'];
type Values = { title: string; items: Item[] };

const ROUND_TYPES = ['administrative', 'party_building', 'integrity'] as const;
type RoundType = (typeof ROUND_TYPES)[number];
const CELL = { style: { marginBottom: 0 } };

/**
 * Checklist templates: every version of a round type's checklist, and a new version made by editing
 * the items of one. Rounds keep the version they were planned with.
 */
export default function Checklists() {
  const { t, label, lang } = useT();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const roundType = ROUND_TYPES.find((type) => type === params.get('roundType')) ?? 'administrative';
  const [versions, setVersions] = useState<Checklist[]>([]);
  const [loading, setLoading] = useState(true);
  const [editing, setEditing] = useState(false);
  const [form] = Form.useForm<Values>();
  const submit = useServerSubmit();
  const shown = versions.find((version) => version.id === params.get('id')) ?? versions.find((version) => version.current);

  const load = () => {
    setLoading(true);
    return ok(api.GET('/checklists', { params: { query: { roundType } } }))
      .then(setVersions, (error: { message?: string }) => message.error(t('loadFailed', { reason: error.message ?? '' })))
      .finally(() => setLoading(false));
  };
  useEffect(() => {
    setEditing(false);
    void load();
  }, [roundType]);

  const show = (changes: { roundType?: RoundType; id?: string }) =>
    setParams((old) => {
      const updated = new URLSearchParams(old);
      for (const [name, value] of Object.entries(changes)) value ? updated.set(name, value) : updated.delete(name);
      if (changes.roundType) updated.delete('id');
      return updated;
    });

  const startEditing = (from: Checklist | undefined) => {
    form.setFieldsValue({ title: from?.title ?? '', items: from?.items.map((item) => ({ ...item })) ?? [] });
    setEditing(true);
  };

  const save = async (values: Values) => {
    const items = values.items.map((item) => ({ ...item, veto: item.veto ?? false, source: item.source || null }));
    const published = await submit(form, () => ok(api.POST('/checklists', { body: { roundType, title: values.title, items } })));
    if (!published) return;
    setEditing(false);
    await load();
    show({ id: published.id });
  };

  return (
    <>
      <Typography.Title level={2}>{t('checklists')}</Typography.Title>
      <Space style={{ marginBottom: 16 }}>
        <Segmented<RoundType>
          aria-label={t('roundType')}
          value={roundType}
          onChange={(type) => show({ roundType: type })}
          options={ROUND_TYPES.map((type) => ({ value: type, label: label('roundType', type) }))}
        />
        {!editing && (
          <Button type="primary" onClick={() => startEditing(versions.find((version) => version.current))}>
            {t('newVersion')}
          </Button>
        )}
      </Space>
      {editing ? (
        <Form form={form} layout="vertical" onFinish={save} requiredMark={false} className="checklist-editor">
          <Alert type="info" showIcon message={t('newVersionWhy')} style={{ marginBottom: 16 }} />
          <Form.Item name="title" label={t('checklistTitle')} rules={[{ required: true, message: t('required') }]}>
            <Input style={{ maxWidth: 480 }} />
          </Form.Item>
          <Form.List name="items">
            {(fields, { add, remove }) => (
              <>
                <Table
                  className="checklist-items"
                  rowKey="key"
                  size="small"
                  pagination={false}
                  dataSource={fields}
                  scroll={{ x: 1300 }}
                  columns={[
                    { title: '#', key: 'n', width: 40, render: (_, field, index) => index + 1 },
                    {
                      title: t('code'),
                      key: 'code',
                      width: 120,
                      render: (_, field, index) => (
                        <Form.Item name={[field.name, 'code']} rules={[{ required: true, message: t('required') }]} {...CELL}>
                          <Input aria-label={`${t('code')} ${index + 1}`} />
                        </Form.Item>
                      ),
                    },
                    ...(['title', 'titleEn', 'category'] as const).map((name) => ({
                      title: t(name === 'title' ? 'itemTitle' : name === 'titleEn' ? 'itemTitleEn' : 'category'),
                      key: name,
                      width: name === 'category' ? 140 : 220,
                      render: (_: unknown, field: { name: number }, index: number) => (
                        <Form.Item name={[field.name, name]} rules={[{ required: true, message: t('required') }]} {...CELL}>
                          <Input.TextArea autoSize aria-label={`${t(name === 'title' ? 'itemTitle' : name === 'titleEn' ? 'itemTitleEn' : 'category')} ${index + 1}`} />
                        </Form.Item>
                      ),
                    })),
                    {
                      title: t('standard'),
                      key: 'standard',
                      width: 260,
                      render: (_, field, index) => (
                        <Form.Item name={[field.name, 'standard']} rules={[{ required: true, message: t('required') }]} {...CELL}>
                          <Input.TextArea autoSize aria-label={`${t('standard')} ${index + 1}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('maxDeduction'),
                      key: 'maxDeduction',
                      width: 120,
                      render: (_, field, index) => (
                        <Form.Item name={[field.name, 'maxDeduction']} rules={[{ required: true, message: t('required') }]} {...CELL}>
                          <InputNumber step={0.5} aria-label={`${t('maxDeduction')} ${index + 1}`} style={{ width: '100%' }} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('veto'),
                      key: 'veto',
                      width: 80,
                      render: (_, field, index) => (
                        <Form.Item name={[field.name, 'veto']} valuePropName="checked" {...CELL}>
                          <Checkbox aria-label={`${t('veto')} ${index + 1}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('itemSource'),
                      key: 'source',
                      width: 160,
                      render: (_, field, index) => (
                        <Form.Item name={[field.name, 'source']} {...CELL}>
                          <Input aria-label={`${t('itemSource')} ${index + 1}`} />
                        </Form.Item>
                      ),
                    },
                    {
                      title: t('actions'),
                      key: 'remove',
                      width: 90,
                      render: (_, field, index) => (
                        <Button type="link" danger onClick={() => remove(field.name)} aria-label={`${t('removeItem')} ${index + 1}`}>
                          {t('removeItem')}
                        </Button>
                      ),
                    },
                  ]}
                />
                <Button style={{ marginTop: 8 }} onClick={() => add({ veto: false })}>
                  {t('addItem')}
                </Button>
              </>
            )}
          </Form.List>
          <Space style={{ marginTop: 16 }}>
            <Button type="primary" htmlType="submit">
              {t('publishVersion')}
            </Button>
            <Button onClick={() => setEditing(false)}>{t('cancel')}</Button>
          </Space>
        </Form>
      ) : (
        <>
          <Table<Checklist>
            className="checklist-versions"
            rowKey="id"
            size="small"
            loading={loading}
            pagination={false}
            dataSource={versions}
            rowClassName={(version) => (version.id === shown?.id ? 'ant-table-row-selected' : '')}
            columns={[
              { title: t('version'), dataIndex: 'version', render: (version: number, checklist) => <>v{version} {checklist.current && <Tag color="#0958d9">{t('currentVersion')}</Tag>}</> },
              { title: t('checklistTitle'), dataIndex: 'title' },
              { title: t('itemCount'), key: 'items', render: (_, checklist) => checklist.items.length },
              { title: t('publishedAt'), dataIndex: 'publishedAt', render: dateTime },
              {
                title: t('actions'),
                key: 'actions',
                render: (_, checklist) => (
                  <Space>
                    <Button type="link" onClick={() => show({ id: checklist.id })} aria-label={`${t('view')} v${checklist.version}`}>
                      {t('view')}
                    </Button>
                    <Button type="link" onClick={() => startEditing(checklist)} aria-label={`${t('newVersionFrom')} v${checklist.version}`}>
                      {t('newVersionFrom')}
                    </Button>
                  </Space>
                ),
              },
            ]}
          />
          {shown && (
            <>
              <Typography.Title level={3} style={{ marginTop: 24 }}>
                v{shown.version} · {shown.title}
              </Typography.Title>
              <Table<Item>
                className="checklist-shown"
                rowKey="code"
                size="small"
                pagination={false}
                dataSource={shown.items}
                columns={[
                  { title: t('code'), dataIndex: 'code' },
                  { title: t('itemTitle'), key: 'title', render: (_, item) => (lang === 'zh' ? item.title : item.titleEn) },
                  { title: t('category'), dataIndex: 'category' },
                  { title: t('standard'), dataIndex: 'standard' },
                  { title: t('maxDeduction'), dataIndex: 'maxDeduction' },
                  { title: t('veto'), dataIndex: 'veto', render: (veto: boolean) => (veto ? <Tag color="#cf1322">{t('veto')}</Tag> : '—') },
                  { title: t('itemSource'), dataIndex: 'source', render: (source: string | null) => source ?? '—' },
                ]}
              />
            </>
          )}
        </>
      )}
    </>
  );
}
