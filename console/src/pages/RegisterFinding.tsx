import { Alert, Button, DatePicker, Form, Input, Select, Space } from 'antd';
import type { Dayjs } from 'dayjs';
import { useEffect, useState } from 'react';
import { Link, useNavigate } from 'react-router-dom';
import { REGISTERED_SOURCES } from '../../../workflows/finding.types';
import { SEVERITIES } from '../../../workflows/vocabulary';
import { registrableTypes } from '../access';
import { ApiError, Me, Schemas, api, ok } from '../api';
import { useT } from '../i18n';
import { useServerSubmit } from '../lists';
import { PageHeading } from '../page-heading';

type Registration = Schemas['RegisterFindingDto'];
type Values = Omit<Registration, 'deadline'> & { deadline?: Dayjs };

/**
 * Registers one finding from outside a round (POST /findings): a complaint, a superior's inspection, an
 * audit… assigned to its department at once. The service checks every field (an empty one too): its
 * reason shows beside the field, a refusal (403) says why above the form, and nothing typed is lost;
 * once registered, the finding's page opens.
 */
export default function RegisterFinding({ me }: { me: Me }) {
  const { t, label } = useT();
  const navigate = useNavigate();
  const [form] = Form.useForm<Values>();
  const submit = useServerSubmit();
  const [refusal, setRefusal] = useState<string | null>(null);
  const [departments, setDepartments] = useState<{ value: string; label: string }[]>([]);
  useEffect(() => void ok(api.GET('/departments', { params: { query: { limit: 500 } } })).then((page) => setDepartments(page.items.map((d) => ({ value: d.id, label: d.name }))), () => undefined), []);
  const types = registrableTypes(me);

  const register = async ({ deadline, ...values }: Values) => {
    setRefusal(null);
    const body = { ...values, ...(deadline && { deadline: deadline.format('YYYY-MM-DD') }) } as Registration;
    const finding = await submit(form, async () => {
      try {
        return await ok(api.POST('/findings', { body }));
      } catch (caught) {
        const error = caught as ApiError;
        const field = !Array.isArray(error.details) && (error.details as { field?: string } | undefined)?.field;
        // A reference already used (409) is about one field: said beside it, as a 400 is.
        if (field) throw { ...error, details: [{ field, reason: error.message ?? '' }] };
        if (error.statusCode === 403) setRefusal(error.message ?? '');
        throw error;
      }
    });
    if (finding) navigate(`/findings/${finding.id}`);
  };

  return (
    <>
      <PageHeading title={t('registerFinding')}>
        <Link to="/findings">{t('back')}</Link>
      </PageHeading>
      {refusal && <Alert type="error" role="alert" className="register-refusal" message={t('notRegistered')} description={refusal} style={{ marginBottom: 16, maxWidth: 720 }} />}
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={register}
        requiredMark={false}
        style={{ maxWidth: 720 }}
        initialValues={{ roundType: types.length === 1 ? types[0] : undefined }}
        className="register-finding"
      >
        <Space size="large" wrap>
          <Form.Item name="source" label={t('source')}>
            <Select style={{ width: 200 }} options={REGISTERED_SOURCES.map((source) => ({ value: source, label: label('source', source) }))} />
          </Form.Item>
          <Form.Item name="roundType" label={t('roundType')}>
            <Select style={{ width: 200 }} options={types.map((type) => ({ value: type, label: label('roundType', type) }))} />
          </Form.Item>
          <Form.Item name="severity" label={t('severity')}>
            <Select style={{ width: 160 }} options={SEVERITIES.map((severity) => ({ value: severity, label: label('severity', severity) }))} />
          </Form.Item>
        </Space>
        <Form.Item name="responsibleDepartmentId" label={t('responsibleDepartment')}>
          <Select showSearch optionFilterProp="label" options={departments} />
        </Form.Item>
        <Form.Item name="title" label={t('title')}>
          <Input maxLength={200} />
        </Form.Item>
        <Form.Item name="description" label={t('description')}>
          <Input.TextArea rows={4} maxLength={4000} />
        </Form.Item>
        <Space size="large" wrap>
          <Form.Item name="location" label={t('location')}>
            <Input style={{ width: 240 }} maxLength={200} />
          </Form.Item>
          <Form.Item name="deadline" label={t('deadline')} extra={t('deadlineDefault')}>
            <DatePicker />
          </Form.Item>
          <Form.Item name="externalRef" label={t('externalRef')} extra={t('externalRefWhy')}>
            <Input style={{ width: 240 }} maxLength={100} />
          </Form.Item>
        </Space>
        <Space>
          <Button type="primary" htmlType="submit">
            {t('register')}
          </Button>
          <Link to="/findings">{t('cancel')}</Link>
        </Space>
      </Form>
    </>
  );
}
