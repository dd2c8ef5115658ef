import { Image, Toast } from 'antd-mobile';
import { useEffect, useMemo } from 'react';
import type { StoredPhoto } from '../db';
import { useLang } from '../i18n';
import { preparePhoto } from '../photos';

/** Takes photos with the tablet's camera (or picks files), downscaled on the device, with their previews. */
export function PhotoPicker({ id, photos, onChange, accept = 'image/*' }: { id: string; photos: StoredPhoto[]; onChange(photos: StoredPhoto[]): void; accept?: string }) {
  const { t } = useLang();
  const previews = useMemo(() => photos.map((photo) => (photo.blob.type.startsWith('image/') ? URL.createObjectURL(photo.blob) : null)), [photos]);
  useEffect(() => () => previews.forEach((url) => url && URL.revokeObjectURL(url)), [previews]);
  const add = async (files: FileList | null) => {
    try {
      onChange([...photos, ...(await Promise.all([...(files ?? [])].map(preparePhoto)))]);
    } catch (error) {
      Toast.show({ content: String(error), icon: 'fail' });
    }
  };
  return (
    <div>
      <label className="photo-input" htmlFor={id}>
        {t('addPhoto')}
        <input id={id} type="file" accept={accept} capture="environment" multiple onChange={(event) => void add(event.target.files)} />
      </label>
      <div className="thumbs" style={{ marginTop: 8 }}>
        {photos.map((photo, i) =>
          previews[i] ? <Image key={i} src={previews[i]!} alt={photo.name} width={96} height={96} fit="cover" /> : <span key={i}>{photo.name}</span>,
        )}
      </div>
    </div>
  );
}
