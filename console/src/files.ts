import { authFetch } from './api';

/** A file the service makes, fetched with the bearer token (never put in a URL); refused: its reason thrown. */
async function fetchFile(path: string, query: Record<string, string>): Promise<Response> {
  const response = await authFetch(new Request(`${location.origin}${path}?${new URLSearchParams(query)}`));
  if (!response.ok) throw { statusCode: response.status, ...((await response.json().catch(() => ({}))) as object) };
  return response;
}

/** Saves the file under the name the service gives it (Content-Disposition, RFC 5987's `filename*` first). */
export async function download(path: string, query: Record<string, string>, fallbackName: string): Promise<void> {
  const response = await fetchFile(path, query);
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition)?.[1];
  const name = encoded ? decodeURIComponent(encoded) : (/filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? fallbackName);
  const url = URL.createObjectURL(await response.blob());
  const link = Object.assign(document.createElement('a'), { href: url, download: name });
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Opens a printable page the service renders in a new tab, as a blob URL. */
export async function openPrintable(path: string, query: Record<string, string>): Promise<void> {
  // The tab is opened before the wait, so the browser counts it as the click's.
  const tab = window.open('', '_blank');
  try {
    const html = await (await fetchFile(path, query)).blob();
    const url = URL.createObjectURL(new Blob([html], { type: 'text/html' }));
    if (tab) tab.location.href = url;
    else window.open(url, '_blank');
  } catch (error) {
    tab?.close();
    throw error;
  }
}

/** A finding's printable case file, in a new tab. */
export const openCaseFile = (findingId: string): Promise<void> => openPrintable(`/findings/${findingId}/case-file`, { format: 'html' });
