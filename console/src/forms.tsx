import { Form, FormInstance, Modal } from 'antd';
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
