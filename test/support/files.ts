import { createHash } from 'node:crypto';
import sharp from 'sharp';
import type { Response } from 'supertest';

/** A real 64×48 PNG whose colour follows `seed`, so different seeds give different content. */
export function pngWith(seed: string, width = 64, height = 48): Promise<Buffer> {
  const [r, g, b] = createHash('sha256').update(seed).digest();
  return sharp({ create: { width, height, channels: 3, background: { r, g, b } } }).png().toBuffer();
}

/** A JPEG photo, as a tablet camera sends one. */
export function jpegWith(seed: string): Promise<Buffer> {
  return pngWith(seed).then((png) => sharp(png).jpeg().toBuffer());
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n');

/** A supertest parser that keeps the answer as bytes: `.buffer(true).parse(binaryBody)`. */
export function binaryBody(response: Response, done: (error: Error | null, body: Buffer) => void): void {
  const chunks: Buffer[] = [];
  response.on('data', (chunk: Buffer) => chunks.push(chunk));
  response.on('end', () => done(null, Buffer.concat(chunks)));
}
