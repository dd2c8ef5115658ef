import { App, Button, Input } from 'antd';
import dayjs from 'dayjs';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from './api';
import { download } from './files';
import { useT } from './i18n';

const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
const YEAR = /^[12]\d{3}$/;

/** The month (or year) a report is of, kept in the address; last month by default, the one ended. */
export function usePeriod() {
  const [params, setParams] = useSearchParams();
  const month = MONTH.test(params.get('month') ?? '') ? params.get('month')! : dayjs().subtract(1, 'month').format('YYYY-MM');
  const year = YEAR.test(params.get('year') ?? '') ? params.get('year')! : undefined;
  return { month, year, set: (changes: Record<string, string>) => setParams(changes) };
}

/** Choosing a month by typing it (`YYYY-MM`): applied on Enter or the button. */
export function PeriodBox({ value, onChange, label, pattern }: { value: string; onChange: (value: string) => void; label: string; pattern: 'month' | 'year' }) {
  const { message } = App.useApp();
  const { t } = useT();
  return (
    <Input.Search
      key={value}
      defaultValue={value}
      aria-label={label}
      enterButton={t('show')}
      style={{ width: 220 }}
      onSearch={(text) => ((pattern === 'month' ? MONTH : YEAR).test(text.trim()) ? onChange(text.trim()) : message.error(t('badPeriod')))}
    />
  );
}

/** A button that fetches a file the service makes and saves it under the service's name; a refusal shown. */
export function DownloadButton({ path, query, name, children }: { path: string; query: Record<string, string>; name: string; children: string }) {
  const { message } = App.useApp();
  const { t } = useT();
  return (
    <Button onClick={() => download(path, query, name).catch((error: ApiError) => message.error(t('loadFailed', { reason: error.message ?? '' })))}>{children}</Button>
  );
}
