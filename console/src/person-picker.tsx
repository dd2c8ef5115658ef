import { Select, Spin } from 'antd';
import { useEffect, useRef, useState } from 'react';
import { Schemas, api, ok } from './api';
import { useT } from './i18n';

export type Person = Schemas['PersonDto'];
type PlanningRole = Person['roles'][number];

/** How long typing rests before the service is asked: one lookup per pause, not per key. */
const DEBOUNCE_MS = 250;

/** "name · department", as a person is shown wherever one is picked. */
export const personLabel = (person: Person): string => (person.department ? `${person.displayName} · ${person.department.name}` : person.displayName);

type Props = {
  /** Only people holding this role (a round's lead: round_lead). */
  role?: PlanningRole;
  /** People the value may already name, labelled before any search (e.g. the planner themself). */
  known?: Person[];
  id?: string;
  'aria-label'?: string;
} & ({ multiple?: false; value?: string; onChange?: (value: string) => void } | { multiple: true; value?: string[]; onChange?: (value: string[]) => void });

/**
 * Picks people by name from GET /people, searched by the service as the planner types (the text
 * goes as a query parameter, never a pattern); one person, or several with `multiple`. A form
 * field: Form.Item passes `id`, `value` and `onChange`.
 */
export function PersonPicker({ role, known = [], multiple, value, onChange, ...rest }: Props) {
  const { t } = useT();
  const [search, setSearch] = useState('');
  const [found, setFound] = useState<Person[]>([]);
  const [loading, setLoading] = useState(false);
  // Everyone seen so far, so chosen people keep their labels whatever the current search shows.
  const seen = useRef(new Map<string, Person>());
  for (const person of known) seen.current.set(person.id, person);

  useEffect(() => {
    let current = true;
    // Only the answer to what is typed now is offered: an older page would let a key pick someone else.
    setFound([]);
    setLoading(true);
    const timer = setTimeout(() => {
      ok(api.GET('/people', { params: { query: { q: search || undefined, role, limit: 20 } } }))
        .then((page) => {
          if (!current) return;
          for (const person of page.items) seen.current.set(person.id, person);
          setFound(page.items);
        }, () => current && setFound([]))
        .finally(() => current && setLoading(false));
    }, DEBOUNCE_MS);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [search, role]);

  const chosen = (value === undefined ? [] : Array.isArray(value) ? value : [value]).flatMap((id) => seen.current.get(id) ?? []);
  const people = search ? found : [...found, ...chosen.filter((person) => !found.some((other) => other.id === person.id))];
  return (
    <Select
      {...rest}
      mode={multiple ? 'multiple' : undefined}
      showSearch
      filterOption={false}
      onSearch={setSearch}
      onBlur={() => setSearch('')}
      value={value}
      onChange={(next: string | string[]) => (onChange as ((next: string | string[]) => void) | undefined)?.(next)}
      options={people.map((person) => ({ value: person.id, label: personLabel(person) }))}
      notFoundContent={loading ? <Spin size="small" /> : t('noOneFound')}
      placeholder={t('typeAName')}
    />
  );
}
