import exifr from 'exifr';
import type { StoredPhoto } from './db';

/** Photos are sent with their longest side at most this many pixels (VITE_PHOTO_MAX_SIDE at build time). */
export const PHOTO_MAX_SIDE = Number(import.meta.env.VITE_PHOTO_MAX_SIDE ?? 2048);

const localDay = (date: Date) =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;

/** When the photo was taken: the camera's EXIF time, else the file's own time. */
async function takenAt(file: File): Promise<Date> {
  try {
    const exif = (await exifr.parse(file, ['DateTimeOriginal'])) as { DateTimeOriginal?: Date } | undefined;
    if (exif?.DateTimeOriginal instanceof Date && !Number.isNaN(exif.DateTimeOriginal.getTime())) return exif.DateTimeOriginal;
  } catch {
    // Not every image has EXIF; the file's time serves.
  }
  return new Date(file.lastModified || Date.now());
}

/** Scales an image down on the device before it is stored and sent; other files are kept as they are. */
export async function preparePhoto(file: File): Promise<StoredPhoto> {
  const takenOn = localDay(await takenAt(file));
  if (!file.type.startsWith('image/')) return { blob: file, name: file.name, takenOn };
  const bitmap = await createImageBitmap(file);
  const scale = Math.min(1, PHOTO_MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  if (scale === 1 && file.type === 'image/jpeg') return { blob: file, name: file.name, takenOn };
  const canvas = new OffscreenCanvas(Math.round(bitmap.width * scale), Math.round(bitmap.height * scale));
  canvas.getContext('2d')!.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
  bitmap.close();
  const blob = await canvas.convertToBlob({ type: 'image/jpeg', quality: 0.85 });
  return { blob, name: file.name.replace(/\.\w+$/, '') + '.jpg', takenOn };
}
