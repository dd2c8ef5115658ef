/** Files the service sends only with the bearer token: fetched as blobs, then saved or shown. */

/** The name the service gave the file (`Content-Disposition`, RFC 5987's `filename*` first). */
function fileName(response: Response): string {
  const disposition = response.headers.get('content-disposition') ?? '';
  const encoded = /filename\*=UTF-8''([^;]+)/i.exec(disposition);
  if (encoded) return decodeURIComponent(encoded[1]);
  return /filename="?([^";]+)"?/i.exec(disposition)?.[1] ?? 'download';
}

/** Saves the file under the service's name for it. */
export function download(blob: Blob, response: Response): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName(response);
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Opens a page the service rendered (the case file) in a new tab, never with the token in an address. */
export function openInNewTab(blob: Blob): void {
  const url = URL.createObjectURL(blob);
  window.open(url, '_blank', 'noopener');
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
