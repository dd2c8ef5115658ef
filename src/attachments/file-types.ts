import { fromFile } from 'file-type';
import { extname } from 'node:path';

/** What the content turned out to be, or why it is refused. */
export type Recognised = { contentType: string; label: string } | { refused: string };

const OFFICE_LEGACY: Record<string, string> = {
  '.doc': 'application/msword',
  '.xls': 'application/vnd.ms-excel',
  '.ppt': 'application/vnd.ms-powerpoint',
};

/** Accepted kinds, by the extension file-type reads from the content, with the name extensions that may go with them. */
const ACCEPTED: Record<string, { label: string; extensions: string[] }> = {
  jpg: { label: 'JPEG', extensions: ['.jpg', '.jpeg'] },
  png: { label: 'PNG', extensions: ['.png'] },
  heic: { label: 'HEIC', extensions: ['.heic', '.heif'] },
  pdf: { label: 'PDF', extensions: ['.pdf'] },
  docx: { label: 'Word', extensions: ['.docx'] },
  xlsx: { label: 'Excel', extensions: ['.xlsx'] },
  pptx: { label: 'PowerPoint', extensions: ['.pptx'] },
  // Word, Excel and PowerPoint 97–2003 share one container; the name tells which.
  cfb: { label: 'Office 97–2003', extensions: Object.keys(OFFICE_LEGACY) },
};

export const ACCEPTED_KINDS = 'JPEG, PNG, HEIC, PDF, Word, Excel or PowerPoint';

/**
 * Reads the kind of a received file from its first bytes (magic numbers), then holds the file's
 * name to it: a JPEG named .pdf is refused, whatever the client declared.
 */
export async function recognise(path: string, originalName: string): Promise<Recognised> {
  const detected = await fromFile(path);
  const kind = detected && ACCEPTED[detected.ext];
  if (!detected || !kind) {
    return { refused: `its content is ${detected ? detected.mime : 'of no recognised type'}; accepted are ${ACCEPTED_KINDS}` };
  }
  const extension = extname(originalName).toLowerCase();
  if (detected.ext === 'cfb') {
    const legacy = OFFICE_LEGACY[extension];
    return legacy ? { contentType: legacy, label: kind.label } : { refused: `its content is an ${kind.label} document, but its name ends in "${extension}"; name it .doc, .xls or .ppt` };
  }
  if (extension && !kind.extensions.includes(extension)) {
    return { refused: `its content is ${kind.label}, but its name ends in "${extension}"` };
  }
  return { contentType: detected.ext === 'heic' ? 'image/heic' : detected.mime, label: kind.label };
}
