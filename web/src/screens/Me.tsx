import { Button, Dialog, List, Selector } from 'antd-mobile';
import { api, endSession } from '../api/client';
import type { Schemas } from '../db';
import { Lang, useLang } from '../i18n';
import { outboxItems } from '../outbox';

/**
 * The person (or, on an enrolled tablet, the inspector it acts as), the language switch, and signing out
 * or unenrolling (which says first what stays unsent until they are back).
 */
export function Me({ user, tablet }: { user: Schemas['UserDto']; tablet: boolean }) {
  const { t, label, lang, setLang } = useLang();
  const signOut = async () => {
    const unsent = (await outboxItems()).length;
    if (unsent > 0 && !(await Dialog.confirm({ content: t('signOutUnsent', { n: unsent }), confirmText: t('signOut'), cancelText: t('cancel') }))) return;
    await api.POST('/auth/logout').catch(() => undefined);
    await endSession();
  };
  // The token stays valid on the service until an administrator revokes it: only this device forgets it.
  const unenrol = async () => {
    const unsent = (await outboxItems()).length;
    const content = unsent > 0 ? t('unenrolUnsent', { n: unsent, name: user.displayName }) : t('unenrolConfirm');
    if (!(await Dialog.confirm({ content, confirmText: t('unenrol'), cancelText: t('cancel') }))) return;
    await endSession();
  };
  return (
    <div>
      <List>
        {tablet && <List.Item className="enrolled-tablet" description={t('actingAs', { name: user.displayName })}>{t('enrolledTablet')}</List.Item>}
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
        {tablet ? (
          <Button block size="large" color="danger" onClick={() => void unenrol()}>{t('unenrol')}</Button>
        ) : (
          <Button block size="large" color="danger" onClick={() => void signOut()}>{t('signOut')}</Button>
        )}
      </div>
    </div>
  );
}
