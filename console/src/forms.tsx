import { EyeInvisibleOutlined, EyeOutlined } from '@ant-design/icons';
import { Form, FormInstance, Input, Modal } from 'antd';
import type { PasswordProps } from 'antd/es/input';
import { ReactNode, useEffect } from 'react';
import { useT } from './i18n';
import { useServerSubmit } from './lists';

/**
 * A form in a dialog. It closes only when the service took the values; a refusal keeps the dialog
 * open with what was typed and the service's reasons beside the fields.
 */
export function FormDialog<Values extends object, Result>({
  title,
  open,
  initialValues,
  save,
  onSaved,
  onCancel,
  children,
}: {
  title: string;
  open: boolean;
  initialValues?: Partial<Values>;
  save: (values: Values) => Promise<Result>;
  onSaved: (result: Result) => void;
  onCancel: () => void;
  children: (form: FormInstance<Values>) => ReactNode;
}) {
  const { t } = useT();
  const [form] = Form.useForm<Values>();
  const submit = useServerSubmit();
  useEffect(() => {
    if (open) form.resetFields();
  }, [open, form]);
  const finish = async (values: Values) => {
    const result = await submit(form, () => save(values));
    if (result !== undefined) onSaved(result);
  };
  return (
    <Modal title={title} open={open} okText={t('save')} cancelText={t('cancel')} onOk={form.submit} onCancel={onCancel} forceRender>
      <Form form={form} layout="vertical" initialValues={initialValues} onFinish={finish} requiredMark={false}>
        {children(form)}
        {/* Enter in a field submits, as in any form. */}
        <button type="submit" hidden aria-hidden tabIndex={-1} />
      </Form>
    </Modal>
  );
}

/**
 * A password or secret field whose show/hide toggle is a real button: antd draws it as an icon that Tab
 * passes over, so a keyboard user could never check what they typed.
 */
export function PasswordInput(props: PasswordProps) {
  const { t } = useT();
  return (
    <Input.Password
      {...props}
      iconRender={(visible) => (
        <button type="button" style={{ background: 'none', border: 0, padding: 0, color: 'inherit', cursor: 'pointer' }} aria-label={t(visible ? 'hidePassword' : 'showPassword')} aria-pressed={visible}>
          {visible ? <EyeOutlined /> : <EyeInvisibleOutlined />}
        </button>
      )}
    />
  );
}
