import { Button, Card, Dialog, Form, Input, Popup, Radio, Selector, Space, Stepper, Tag, TextArea, Toast } from 'antd-mobile';
import { useEffect, useState } from 'react';
import { api } from '../api/client';
import type { RoundEventBody, Schemas, StoredPhoto } from '../db';
import { useLang } from '../i18n';
import { enqueue, submit, useOutbox } from '../outbox';
import { body, useLoad } from './common';
import { PhotoPicker } from './PhotoPicker';
import { useDepartments } from './Rounds';

type Item = Schemas['ItemResultDto'];
type RoundType = Schemas['RoundDto']['types'][number];
type Severity = Schemas['LogFindingDto']['severity'];

/** What the finding form asks: a failed item's finding, or a finding of its own (with a title). */
interface FindingDraft {
  title?: string;
  description?: string;
  note?: string;
  severity: Severity;
  responsibleDepartmentId: string;
  deduction?: number;
  photos: StoredPhoto[];
}

/** A round on the ward: start it, go through the checklist item by item, log findings, submit it. */
export function RoundPage({ roundId, user }: { roundId: string; user: Schemas['UserDto'] }) {
  const { t, label, lang } = useLang();
  const round = useLoad(() => body(api.GET('/rounds/{id}', { params: { path: { id: roundId } } })), [roundId]);
  const results = useLoad(() => body(api.GET('/rounds/{id}/results', { params: { path: { id: roundId } } })), [roundId]);
  const departments = useDepartments();
  const outbox = useOutbox().filter((entry) => entry.kind !== 'findingEvent' && entry.roundId === roundId);
  const [failing, setFailing] = useState<{ type: RoundType; item: Item } | null>(null);
  const [logging, setLogging] = useState<RoundType | null>(null);

  // What the outbox sent is the server's now: read the results again when it empties.
  useEffect(() => {
    if (outbox.length > 0) return;
    round.reload();
    results.reload();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [outbox.length]);

  const event = async (body: RoundEventBody) => {
    const what = `${t(body.type === 'START' ? 'start' : 'submitRound')}${'roundType' in body && body.roundType ? ` · ${label('roundType', body.roundType)}` : ''}`;
    const answer = await submit({ id: crypto.randomUUID(), kind: 'roundEvent', roundId, label: what, photos: [], body });
    if (answer.outcome === 'refused') return void Dialog.alert({ content: answer.reason });
    if (answer.outcome === 'queued') return void Toast.show({ content: t('savedOffline') });
    // Sent and answered: read the round again now, since the outbox may have filled and emptied between two renders.
    round.reload();
    results.reload();
  };

  const record = async (type: RoundType, item: Item, result: 'pass' | 'not_applicable' | 'fail', draft?: FindingDraft) => {
    await enqueue({
      id: crypto.randomUUID(),
      kind: 'result',
      roundId,
      itemCode: item.code,
      label: `${item.code} ${lang === 'zh' ? item.title : item.titleEn} — ${t(result === 'not_applicable' ? 'notApplicable' : result)}`,
      photos: draft?.photos ?? [],
      body: {
        roundType: type,
        result,
        ...(draft && {
          note: draft.note || undefined,
          deduction: draft.deduction,
          raiseFinding: { id: crypto.randomUUID(), severity: draft.severity, responsibleDepartmentId: draft.responsibleDepartmentId, description: draft.note || undefined },
        }),
      },
    });
    if (!navigator.onLine) Toast.show({ content: t('savedOffline') });
  };

  const log = async (type: RoundType, draft: FindingDraft) => {
    const id = crypto.randomUUID();
    await enqueue({
      id,
      kind: 'finding',
      roundId,
      label: draft.title!,
      photos: draft.photos,
      body: { id, roundType: type, title: draft.title!, description: draft.description!, severity: draft.severity, responsibleDepartmentId: draft.responsibleDepartmentId },
    });
    if (!navigator.onLine) Toast.show({ content: t('savedOffline') });
  };

  if (round.error || results.error) return <p className="pad error-text">{round.error ?? results.error}</p>;
  if (!round.data || !results.data) return null;
  // A refused event is the outbox's to show; only one still on its way stands in for the server's answer.
  const waitingEvent = (type: RoundEventBody['type'], roundType?: RoundType) =>
    outbox.some(
      (entry) =>
        entry.kind === 'roundEvent' && entry.state === 'pending' && entry.body.type === type && (!roundType || ('roundType' in entry.body && entry.body.roundType === roundType)),
    );
  // A start waiting in the outbox opens the checklist: the results queued after it are sent after it.
  const starting = waitingEvent('START');
  const inProgress = round.data.state === 'in_progress' || starting;
  const pendingResult = (code: string) => outbox.find((entry) => entry.kind === 'result' && entry.itemCode === code);
  return (
    <div>
      <Card className="item-card" title={`${round.data.scheduledFor} · ${departments.get(round.data.departmentId)?.name ?? ''} · ${round.data.types.map((type) => label('roundType', type)).join(' / ')}`} extra={<Tag>{label('state', starting ? 'in_progress' : round.data.state)}</Tag>}>
        <Space wrap>
          {round.data.availableEvents.includes('START') && !starting && (
            <Button color="primary" size="large" onClick={() => void event({ type: 'START' })}>{t('start')}</Button>
          )}
          {inProgress &&
            round.data.types.map((type) => (
              <Button key={type} size="large" onClick={() => setLogging(type)}>{`${t('logFinding')}${round.data!.types.length > 1 ? ` · ${label('roundType', type)}` : ''}`}</Button>
            ))}
          {round.data.availableEvents.includes('SUBMIT') &&
            results.data.parts
              .filter((part) => part.state === 'inspecting' && round.data!.parts.find((p) => p.type === part.type)?.leadId === user.id && !waitingEvent('SUBMIT', part.type))
              .map((part) => (
                <Button key={part.type} color="success" size="large" onClick={() => void event({ type: 'SUBMIT', roundType: part.type })}>
                  {`${t('submitRound')}${results.data!.parts.length > 1 ? ` · ${label('roundType', part.type)}` : ''}`}
                </Button>
              ))}
        </Space>
      </Card>
      {results.data.parts.map((part) => (
        <section key={part.type} aria-label={label('roundType', part.type)}>
          <h2 className="pad" style={{ margin: 0 }}>
            {part.checklistTitle ?? label('roundType', part.type)} {part.score !== null && <Tag color="primary">{`${t('score')} ${part.score}`}</Tag>}
          </h2>
          {part.items.map((item) => {
            const pending = pendingResult(item.code);
            return (
              <Card key={item.code} className="item-card" title={`${item.code} ${lang === 'zh' ? item.title : item.titleEn}`} data-item={item.code}>
                <div className="standard">{item.standard}</div>
                <div style={{ marginTop: 6 }}>
                  {pending ? (
                    <Tag color={pending.state === 'refused' ? 'danger' : 'warning'}>{t(pending.state)}</Tag>
                  ) : item.result ? (
                    <Tag color={item.result === 'fail' ? 'danger' : 'success'}>{t(item.result === 'not_applicable' ? 'notApplicable' : item.result)}</Tag>
                  ) : null}
                </div>
                {inProgress && (
                  <div className="big-buttons">
                    <Button color="success" onClick={() => void record(part.type, item, 'pass')}>{t('pass')}</Button>
                    <Button color="danger" onClick={() => setFailing({ type: part.type, item })}>{t('fail')}</Button>
                    <Button onClick={() => void record(part.type, item, 'not_applicable')}>{t('notApplicable')}</Button>
                  </div>
                )}
              </Card>
            );
          })}
        </section>
      ))}
      <FindingForm
        open={failing !== null}
        failedItem={failing?.item}
        defaultDepartment={round.data.departmentId}
        onClose={() => setFailing(null)}
        onSave={(draft) => failing && void record(failing.type, failing.item, 'fail', draft).then(() => setFailing(null))}
      />
      <FindingForm
        open={logging !== null}
        defaultDepartment={round.data.departmentId}
        onClose={() => setLogging(null)}
        onSave={(draft) => logging && void log(logging, draft).then(() => setLogging(null))}
      />
    </div>
  );
}

/** A short form: severity, responsible department, photos; a free finding also has a title and a description. */
function FindingForm(props: { open: boolean; failedItem?: Item; defaultDepartment: string; onClose(): void; onSave(draft: FindingDraft): void }) {
  // Closed, the form is destroyed: each opening starts from the defaults.
  return (
    <Popup visible={props.open} onMaskClick={props.onClose} position="bottom" bodyStyle={{ maxHeight: '90vh', overflowY: 'auto' }} destroyOnClose>
      {props.open && <FindingFormBody {...props} />}
    </Popup>
  );
}

function FindingFormBody({ failedItem, defaultDepartment, onClose, onSave }: { failedItem?: Item; defaultDepartment: string; onClose(): void; onSave(draft: FindingDraft): void }) {
  const { t, label } = useLang();
  const departments = useDepartments();
  const [photos, setPhotos] = useState<StoredPhoto[]>([]);
  const save = (values: { title?: string; description?: string; note?: string; severity: Severity[]; department: string; deduction?: number }) =>
    onSave({ ...values, severity: values.severity[0], responsibleDepartmentId: values.department, photos });
  return (
    <Form
      layout="vertical"
      onFinish={save}
      initialValues={{ severity: [failedItem?.veto ? 'critical' : 'major'], department: defaultDepartment, deduction: failedItem?.maxDeduction }}
      footer={
        <Space block direction="vertical">
          <Button block type="submit" color="primary" size="large">{t('save')}</Button>
          <Button block size="large" onClick={onClose}>{t('cancel')}</Button>
        </Space>
      }
    >
      <Form.Header>{failedItem ? `${failedItem.code} ${t('fail')}` : t('logFinding')}</Form.Header>
      {failedItem ? (
        <>
          <Form.Item name="note" label={t('note')}>
            <TextArea id="finding-note" aria-label={t('note')} autoSize />
          </Form.Item>
          <Form.Item name="deduction" label={`− ${t('score')}`}>
            <Stepper min={0} max={failedItem.maxDeduction} aria-label={t('score')} />
          </Form.Item>
        </>
      ) : (
        <>
          <Form.Item name="title" label={t('title')} rules={[{ required: true, message: t('required') }]}>
            <Input id="finding-title" aria-label={t('title')} />
          </Form.Item>
          <Form.Item name="description" label={t('description')} rules={[{ required: true, message: t('required') }]}>
            <TextArea id="finding-description" aria-label={t('description')} autoSize />
          </Form.Item>
        </>
      )}
      <Form.Item name="severity" label={t('severity')} rules={[{ required: true, message: t('required') }]}>
        <Selector options={(['minor', 'major', 'critical'] as const).map((value) => ({ value, label: label('severity', value) }))} />
      </Form.Item>
      <Form.Item name="department" label={t('department')} rules={[{ required: true, message: t('required') }]}>
        <Radio.Group>
          <Space direction="vertical">
            {[...departments.values()].map((department) => (
              <Radio key={department.id} value={department.id} style={{ minHeight: 44 }}>{department.name}</Radio>
            ))}
          </Space>
        </Radio.Group>
      </Form.Item>
      <Form.Item label={t('photos')}>
        <PhotoPicker id="finding-photos" photos={photos} onChange={setPhotos} />
      </Form.Item>
    </Form>
  );
}
