import { createHash } from 'node:crypto';
import { deflateRawSync } from 'node:zlib';
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

/**
 * A zip (named as an xlsx) whose one part deflates `unpacked` bytes of spaces into a few kilobytes
 * while its headers declare 100 bytes: a zip bomb that lies about its sizes.
 */
export function lyingZipBomb(unpacked: number): Buffer {
  const name = Buffer.from('xl/worksheets/sheet1.xml');
  const data = deflateRawSync(Buffer.alloc(unpacked, 0x20), { level: 9 });
  const DECLARED = 100;
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt16LE(8, 8);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(DECLARED, 22);
  local.writeUInt16LE(name.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt16LE(8, 10);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(DECLARED, 24);
  central.writeUInt16LE(name.length, 28);
  central.writeUInt32LE(0, 42);
  const centralOffset = local.length + name.length + data.length;
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(central.length + name.length, 12);
  end.writeUInt32LE(centralOffset, 16);
  return Buffer.concat([local, name, data, central, name, end]);
}
