import { App, FormInstance, Input, TablePaginationConfig, Tag } from 'antd';
import type { SorterResult } from 'antd/es/table/interface';
import { useCallback, useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { ApiError } from './api';
import { Word, useT } from './i18n';

export interface Page<Item> {
  items: Item[];
  total: number;
}

const PAGE_SIZES = [10, 20, 50, 100];

/** What a list asks the service for: the page, the column it is sorted by, and its filters. */
export type ListQuery<Filter extends string, Sort extends string> = {
  limit: number;
  offset: number;
  sort?: Sort;
  order?: 'asc' | 'desc';
} & Partial<Record<Filter, string>>;

/**
 * A list paged, sorted and filtered by the service, with its page, page size, sort and filters kept in
 * the address, so a bookmarked or shared view opens as it was. `reload` after a change.
 */
export function useServerList<Item, Filter extends string, Sort extends string>(
  filterNames: readonly Filter[],
  sorts: readonly Sort[],
  load: (query: ListQuery<Filter, Sort>) => Promise<Page<Item>>,
) {
  const { t } = useT();
  const { message } = App.useApp();
  const [params, setParams] = useSearchParams();
  const size = PAGE_SIZES.includes(Number(params.get('size'))) ? Number(params.get('size')) : 20;
  const current = Math.max(1, Math.floor(Number(params.get('page')) || 1));
  const sort = sorts.find((column) => column === params.get('sort'));
  const order: 'asc' | 'desc' | undefined = sort && (params.get('order') === 'desc' ? 'desc' : 'asc');
  const filters = Object.fromEntries(filterNames.flatMap((name) => (params.get(name) ? [[name, params.get(name)!]] : []))) as Partial<Record<Filter, string>>;
  const [page, setPage] = useState<Page<Item>>({ items: [], total: 0 });
  const [loading, setLoading] = useState(true);
  const address = params.toString();
  const reload = useCallback(() => {
    setLoading(true);
    load({ limit: size, offset: (current - 1) * size, ...(sort && { sort, order }), ...filters } as ListQuery<Filter, Sort>)
      .then(setPage, (error: ApiError) => message.error(t('loadFailed', { reason: error.message ?? '' })))
      .finally(() => setLoading(false));
    // `load` is a new function at every render: the address alone says what to load.
  }, [address]);
  useEffect(reload, [reload]);

  /** Changes some of the address's parameters (empty: removed); a new filter or sort starts at page 1. */
  const update = (changes: Record<string, string | undefined>) =>
    setParams((old) => {
      const updated = new URLSearchParams(old);
      for (const [name, value] of Object.entries(changes)) value ? updated.set(name, value) : updated.delete(name);
      if (!('page' in changes)) updated.delete('page');
      return updated;
    });
  const pagination: TablePaginationConfig = {
    current,
    pageSize: size,
    total: page.total,
    pageSizeOptions: PAGE_SIZES,
    showSizeChanger: true,
    showTotal: (n) => t('total', { n }),
  };
  /** The Table's own changes: page, page size, and the sorted column. */
  const onChange = (next: TablePaginationConfig, _filters: unknown, sorter: SorterResult<Item> | SorterResult<Item>[]) => {
    const column = Array.isArray(sorter) ? sorter[0] : sorter;
    const nextSort = column?.order ? String(column.columnKey ?? column.field) : undefined;
    const nextOrder = nextSort && (column.order === 'descend' ? 'desc' : 'asc');
    const sortChanged = nextSort !== sort || nextOrder !== order;
    update({ page: sortChanged || next.pageSize !== size ? undefined : String(next.current), size: String(next.pageSize), sort: nextSort, order: nextOrder });
  };
  /** A column's sorting, as the Table shows it. */
  const sorted = (column: Sort) => ({ key: column, sorter: true, sortOrder: sort === column ? (order === 'desc' ? ('descend' as const) : ('ascend' as const)) : null });
  const setFilter = (name: Filter, value: string | undefined) => update({ [name]: value });
  /** Several filters at once (a period's two ends), in one change of the address. */
  const setFilters = (changes: Partial<Record<Filter, string | undefined>>) => update(changes);
  /** What a server-paged Table takes from the list: `<Table {...list.table} …>`. */
  const table = { loading, dataSource: page.items, pagination, onChange };
  return { items: page.items, loading, pagination, onChange, table, sorted, sort, order, filters, setFilter, setFilters, reload };
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
      // A 409's details describe the state, not fields.
      const beside = (Array.isArray(error.details) ? error.details : []).flatMap(({ field, reason }) => {
        const name = formField(form, field);
        return name ? [{ name, reason }] : [];
      });
      const names = [...new Map(beside.map(({ name }) => [name.join('.'), name])).values()];
      form.setFields(names.map((name) => ({ name, errors: beside.filter((detail) => detail.name.join('.') === name.join('.')).map(({ reason }) => reason) })));
      if (beside.length === 0) message.error(t('saveFailed', { reason: error.message ?? String(caught) }));
      return undefined;
    }
  };
}

/**
 * The form's field a reason of the service is about: the longest of the form's fields that begins the
 * service's path (`items[3].maxDeduction` → the row's cell when the form has one, else `items`).
 */
function formField(form: FormInstance, field: string): (string | number)[] | undefined {
  const registered = new Set<string>();
  form.getFieldsValue(true, (meta) => {
    if (meta) registered.add(meta.name.join('.'));
    return false;
  });
  const path = field.split(/[.[\]]+/).filter(Boolean).map((part) => (/^\d+$/.test(part) ? Number(part) : part));
  for (let length = path.length; length > 0; length--) if (registered.has(path.slice(0, length).join('.'))) return path.slice(0, length);
  return undefined;
}

/** Whether an account or a tablet is in use; the green dark enough for AA contrast with its white text. */
export function InUse({ active, otherwise }: { active: boolean; otherwise: Word }) {
  const { t } = useT();
  return active ? <Tag color="#237804">{t('active')}</Tag> : <Tag>{t(otherwise)}</Tag>;
}

/** A list's text search, kept in the address: applied on Enter or the search button. */
export function SearchBox({ value, onSearch, label }: { value: string | undefined; onSearch: (value: string | undefined) => void; label: string }) {
  return <Input.Search key={value ?? ''} defaultValue={value} allowClear aria-label={label} placeholder={label} onSearch={(text) => onSearch(text.trim() || undefined)} style={{ width: 240 }} />;
}
