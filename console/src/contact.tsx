import { Form, Input } from 'antd';
import type { Schemas } from './api';
import { type Word, useT } from './i18n';

export type Contact = Schemas['ContactFieldsDto'];

/** A person's contacts, as the service names them (and the console's words for them). */
const CONTACT_FIELDS = ['email', 'mobile', 'wecomUserId', 'dingtalkUserId'] as const satisfies (keyof Contact & Word)[];

/** What the browser may fill a person's own contact from; another person's it must not. */
const OWN_AUTOCOMPLETE: Partial<Record<keyof Contact, string>> = { email: 'email', mobile: 'tel-national' };

/** The contact fields of a form: a person's own (`own`, which the browser may fill in) or someone else's. */
export function ContactFields({ own = false }: { own?: boolean }) {
  const { t } = useT();
  return (
    <>
      {CONTACT_FIELDS.map((field) => (
        <Form.Item key={field} name={field} label={t(field)}>
          <Input autoComplete={(own && OWN_AUTOCOMPLETE[field]) || 'off'} inputMode={field === 'email' ? 'email' : field === 'mobile' ? 'tel' : undefined} />
        </Form.Item>
      ))}
    </>
  );
}

/**
 * The contacts in a form's values, to send: an emptied field clears it, as the service takes "".
 * With `shown` (what the form opened with), only those changed in it, so a save does not put back
 * an address the person changed meanwhile.
 */
export const contactOf = (values: Contact, shown?: Contact): Contact =>
  Object.fromEntries(CONTACT_FIELDS.filter((field) => !shown || (values[field] || null) !== (shown[field] || null)).map((field) => [field, values[field] ?? null]));
