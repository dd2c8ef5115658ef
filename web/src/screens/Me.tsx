import { Button, Dialog, List, Selector } from 'antd-mobile';
import { api, endSession } from '../api/client';
import type { Schemas } from '../db';
import { Lang, useLang } from '../i18n';
import { outboxItems } from '../outbox';

/** The person, the language switch, and signing out (which says first what stays unsent until they are back). */
export function Me({ user }: { user: Schemas['UserDto'] }) {
  const { t, label, lang, setLang } = useLang();
  const signOut = async () => {
    const unsent = (await outboxItems()).length;
    if (unsent > 0 && !(await Dialog.confirm({ content: t('signOutUnsent', { n: unsent }), confirmText: t('signOut'), cancelText: t('cancel') }))) return;
    await api.POST('/auth/logout').catch(() => undefined);
    await endSession();
  };
  return (
    <div>
      <List>
        <List.Item description={user.roles.map((role) => label('role', role)).join(', ')}>{user.displayName}</List.Item>
        <List.Item title={t('language')}>
          <Selector
            value={[lang]}
            onChange={(value) => value[0] && setLang(value[0] as Lang)}
            options={[{ value: 'zh', label: '中文' }, { value: 'en', label: 'English' }]}
          />
        </List.Item>
      </List>
      <div className="pad">
        <Button block size="large" color="danger" onClick={() => void signOut()}>{t('signOut')}</Button>
      </div>
    </div>
  );
}
