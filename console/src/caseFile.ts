import { api } from './api';

/**
 * Opens a finding's printable case file in a new tab. The page needs the bearer token, so it is fetched
 * here and shown from a blob address: the token never goes into an address. The tab is opened before
 * the fetch, while the click still counts as the person's, so no pop-up blocker stops it.
 */
export async function openCaseFile(findingId: string): Promise<void> {
  const tab = window.open('', '_blank');
  const { data, response } = await api.GET('/findings/{id}/case-file', { params: { path: { id: findingId }, query: { format: 'html' } }, parseAs: 'blob' });
  if (!response.ok || !data) {
    tab?.close();
    throw { statusCode: response.status, message: response.statusText };
  }
  const address = URL.createObjectURL(new Blob([data], { type: 'text/html' }));
  if (tab) tab.location.href = address;
  else window.location.href = address;
  // The tab has read it once it loaded; a minute is ample.
  setTimeout(() => URL.revokeObjectURL(address), 60_000);
}
