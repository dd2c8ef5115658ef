import axe from 'axe-core';
import { writeFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import QRCode from 'qrcode';

/** axe's checks for labels, names and contrast, and the 44 px touch targets the wards need. */
export async function expectAccessible(page: Page): Promise<void> {
  await page.evaluate(axe.source);
  const violations = await page.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, { runOnly: ['wcag2a', 'wcag2aa'] });
    return result.violations.map((violation) => `${violation.id}: ${violation.nodes.map((node) => node.target.join(' ')).join(', ')}`);
  });
  expect(violations).toEqual([]);
  const small = await page.$$eval('button, a[href], input:not([type=hidden]):not([type=file]), label.photo-input, .adm-tab-bar-item', (elements) =>
    elements
      .map((element) => ({ element, box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width > 0 && (box.width < 44 || box.height < 44))
      .map(({ element, box }) => `${element.tagName}.${element.className} ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
  expect(small).toEqual([]);
}

/**
 * A camera's picture of a QR code holding `text`, for Chromium's fake camera
 * (`--use-file-for-fake-video-capture`): a Y4M file (YUV4MPEG2, 4:2:0), black modules on white, grey chroma.
 */
export function writeQrVideo(path: string, text: string): void {
  const { modules } = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const [width, height, quietZone] = [640, 480, 4];
  const scale = Math.floor(Math.min(width, height) / (modules.size + 2 * quietZone));
  const [left, top] = [Math.floor((width - modules.size * scale) / 2), Math.floor((height - modules.size * scale) / 2)];
  const luma = Buffer.alloc(width * height, 235);
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++)
      if (modules.get(row, col))
        for (let y = 0; y < scale; y++) luma.fill(16, (top + row * scale + y) * width + left + col * scale, (top + row * scale + y) * width + left + (col + 1) * scale);
  const chroma = Buffer.alloc((width / 2) * (height / 2), 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma, chroma]);
  writeFileSync(path, Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), frame, frame]));
}
