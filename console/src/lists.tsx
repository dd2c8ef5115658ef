import { App, FormInstance, TablePaginationConfig, Tag } from 'antd';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from './api';
import { Word, useT } from './i18n';

export interface Page<Item> {
  items: Item[];
  total: number;
}

const PAGE_SIZES = [10, 20, 50, 100];

/**
 * A list paged by the service (limit, offset), its page and page size kept in the address, so a
 * bookmarked or shared view opens where it was. `reload` after a change.
 */
export function useServerPage<Item>(load: (limit: number, offset: number) => Promise<Page<Item>>) {
  const { t } = useT();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const size = PAGE_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 20;
  const current = Math.max(1, Math.floor(Number(params.get('page')) || 1));
  const [page, setPage] = useState<Page<Item>>({ items: [], total: 0 });
  const [loading, setLoading] = useState(true);
  const reload = useCallback(() => {
    setLoading(true);
    load(size, (current - 1) * size)
      .then(setPage, (error: ApiError) => message.error(t('loadFailed', { reason: error.message ?? '' })))
      .finally(() => setLoading(false));
    // `load` is a new function at every render: the page and its size alone say when to load again.
  }, [size, current]);
  useEffect(reload, [reload]);
  const pagination: TablePaginationConfig = {
    current,
    pageSize: size,
    total: page.total,
    pageSizeOptions: PAGE_SIZES,
    showSizeChanger: true,
    showTotal: (n) => t('total', { n }),
    onChange: (next, nextSize) =>
      setParams((old) => {
        const updated = new URLSearchParams(old);
        updated.set('page', String(nextSize === size ? next : 1));
        updated.set('size', String(nextSize));
        return updated;
      }),
  };
  return { items: page.items, loading, pagination, reload };
}

/**
 * Submits a form's values; a refusal leaves the form open with everything typed in it and puts each of
 * the service's reasons beside its field (the rest in a message).
 */
export function useServerSubmit() {
  const { t } = useT();
  const { message } = App.useApp();
  return async function submit<Result>(form: FormInstance, save: () => Promise<Result>): Promise<Result | undefined> {
    try {
      const result = await save();
      message.success(t('saved'));
      return result;
    } catch (caught) {
      const error = caught as ApiError;
      const known = new Set<string>(Object.keys(form.getFieldsValue()));
      const beside = (error.details ?? []).filter(({ field }) => known.has(field.split(/[.[]/)[0]));
      form.setFields(
        [...new Set(beside.map(({ field }) => field.split(/[.[]/)[0]))].map((name) => ({
          name,
          errors: beside.filter(({ field }) => field.split(/[.[]/)[0] === name).map(({ reason }) => reason),
        })),
      );
      if (beside.length === 0) message.error(t('saveFailed', { reason: error.message ?? String(caught) }));
      return undefined;
    }
  };
}

/** Whether an account or a tablet is in use; the green dark enough for AA contrast with its white text. */
export function InUse({ active, otherwise }: { active: boolean; otherwise: Word }) {
  const { t } = useT();
  return active ? <Tag color="#237804">{t('active')}</Tag> : <Tag>{t(otherwise)}</Tag>;
}
