import jsQR from 'jsqr';
import { useEffect, useRef, useState } from 'react';
import { useLang } from '../i18n';

/** How often a camera frame is looked at: often enough to feel immediate, rarely enough for an old tablet. */
const SCAN_EVERY_MS = 250;

type Reader = (video: HTMLVideoElement) => Promise<string | null>;

/**
 * The browser's own barcode detector where it reads QR codes (Android, ChromeOS, macOS); elsewhere the
 * frame is drawn on a canvas and decoded with jsQR.
 */
async function qrReader(): Promise<Reader> {
  const Detector = (window as unknown as { BarcodeDetector?: BarcodeDetectorClass }).BarcodeDetector;
  if (Detector && (await Detector.getSupportedFormats().catch((): string[] => [])).includes('qr_code')) {
    const detector = new Detector({ formats: ['qr_code'] });
    return async (video) => (await detector.detect(video))[0]?.rawValue ?? null;
  }
  const canvas = document.createElement('canvas');
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  return async (video) => {
    canvas.width = video.videoWidth;
    canvas.height = video.videoHeight;
    context.drawImage(video, 0, 0);
    const frame = context.getImageData(0, 0, canvas.width, canvas.height);
    return jsQR(frame.data, frame.width, frame.height, { inversionAttempts: 'dontInvert' })?.data ?? null;
  };
}

interface BarcodeDetectorClass {
  new (options: { formats: string[] }): { detect(source: HTMLVideoElement): Promise<{ rawValue: string }[]> };
  getSupportedFormats(): Promise<string[]>;
}

/** The back camera's picture until a QR code is read from it; the camera is released when it closes. */
export function QrScanner({ onRead }: { onRead(text: string): void }) {
  const { t } = useLang();
  const video = useRef<HTMLVideoElement>(null);
  const [failure, setFailure] = useState<string | null>(null);
  useEffect(() => {
    let stream: MediaStream | null = null;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    void (async () => {
      try {
        stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'environment' }, audio: false });
        if (stopped) return stream.getTracks().forEach((track) => track.stop());
        video.current!.srcObject = stream;
        await video.current!.play();
        const read = await qrReader();
        const look = async () => {
          if (stopped) return;
          const text = video.current && video.current.videoWidth > 0 ? await read(video.current).catch(() => null) : null;
          if (text && !stopped) return onRead(text);
          timer = setTimeout(() => void look(), SCAN_EVERY_MS);
        };
        void look();
      } catch (error) {
        if (!stopped) setFailure(`${t('cameraFailed')} (${(error as Error).name ?? error})`);
      }
    })();
    return () => {
      stopped = true;
      clearTimeout(timer);
      stream?.getTracks().forEach((track) => track.stop());
    };
    // Opened once per scan; a new onRead from a re-render must not restart the camera.
  }, []);
  return failure ? (
    <p className="error-text" role="alert">{failure}</p>
  ) : (
    <video ref={video} className="qr-scanner" muted playsInline aria-label={t('scanQr')} />
  );
}
