import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { once } from 'node:events';
import { constants, crc32, createDeflate } from 'node:zlib';
import sharp from 'sharp';
import { AttachmentStorage } from '../src/attachments/attachment-storage';
import { Clock } from '../src/common/clock';
import { PDF, jpegWith, pngWith } from './support/files';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** Every stored file under the attachments directory, scratch space included. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((path) => statSync(join(directory, path)).isFile());
}

/** A valid greyscale PNG of `width` × `height` black pixels: a few hundred kilobytes that draw into `width` × `height` bytes. */
async function blackPng(width: number, height: number): Promise<Buffer> {
  const chunk = (type: string, data: Buffer) => {
    const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
    const frame = Buffer.alloc(8 + data.length + 4);
    frame.writeUInt32BE(data.length, 0);
    body.copy(frame, 4);
    frame.writeUInt32BE(crc32(body), 8 + data.length);
    return frame;
  };
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bits per sample, greyscale (colour type 0), no interlace
  // Each row is a filter byte and `width` zero samples, compressed as they are made (run-length coding is quick at it).
  const rows = 500;
  const compressed: Buffer[] = [];
  const deflate = createDeflate({ level: 9, strategy: constants.Z_RLE }).on('data', (data: Buffer) => compressed.push(data));
  for (let y = 0; y < height; y += rows) {
    if (!deflate.write(Buffer.alloc((width + 1) * Math.min(rows, height - y)))) await once(deflate, 'drain');
  }
  deflate.end();
  await once(deflate, 'end');
  const pixels = Buffer.concat(compressed);
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', pixels), chunk('IEND', Buffer.alloc(0))]);
}

describe(`attachment limits (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let directory: string;

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
    directory = t.environment.ATTACHMENTS_DIR;
  });

  afterAll(() => t.close());

  /** Starts the service again on the same database and files with `settings` changed. */
  const restart = async (settings: Record<string, string>) => {
    t = await t.restart(settings);
    flow = new Flow(t, h);
  };
  const upload = (who: keyof Hospital['users'], content: Buffer, name: string) =>
    t.http.post('/attachments').set('Authorization', `Bearer ${h.users[who].token}`).attach('file', content, name);
  const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');

  describe('photos', () => {
    it('refuses at upload, from its header, a PNG of a few hundred kilobytes that declares 20,000 × 20,000 pixels', async () => {
      const bomb = await blackPng(20_000, 20_000);
      expect(bomb.length).toBeLessThan(1_000_000);
      const before = await t.counts();
      const files = filesUnder(directory);
      const refused = await upload('cardiologyStaff', bomb, 'ward.png').expect(413);
      expect(refused.body).toEqual({
        statusCode: 413,
        error: 'Payload Too Large',
        message: 'The photo is 20000 × 20000 pixels (400 megapixels), over the limit of 50 megapixels',
        details: [{ field: 'file', reason: 'is 20000 × 20000 pixels (400 megapixels), over the limit of 50 megapixels' }],
      });
      expect(await t.counts()).toEqual(before);
      expect(filesUnder(directory)).toEqual(files);
      // Within the limit, the same kind of file is taken.
      await upload('cardiologyStaff', await blackPng(2000, 1500), 'ward.png').expect(201);
    });

    it('makes a thumbnail once, keeps it beside the photo, and serves the kept one afterwards', async () => {
      const photo = await jpegWith('thumbnail once');
      const uploaded = (await upload('cardiologyStaff', photo, 'cart.jpg').expect(201)).body;
      const first = await flow.as('cardiologyStaff').get(`/attachments/${uploaded.id}/thumbnail`).expect(200);
      const kept = filesUnder(directory).filter((path) => path.endsWith(`${sha256(photo)}.thumbnail.jpg`));
      expect(kept).toHaveLength(1);
      expect(sha256(readFileSync(join(directory, kept[0])))).toBe(sha256(first.body as Buffer));
      // Whatever is kept is what is served: a second request draws nothing.
      const marker = await sharp(await pngWith('kept thumbnail')).jpeg().toBuffer();
      writeFileSync(join(directory, kept[0]), marker);
      const second = await flow.as('cardiologyStaff').get(`/attachments/${uploaded.id}/thumbnail`).expect(200);
      expect(second.headers['content-type']).toBe('image/jpeg');
      expect(sha256(second.body as Buffer)).toBe(sha256(marker));
    });
  });

  describe('the case file', () => {
    it('checks each file without reading it again while it is unchanged, and still finds a changed one', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
      await flow.submitEvidence('cardiologyStaff', findingId, 'n');
      const storage = t.app.get(AttachmentStorage);
      const reads = jest.spyOn(storage, 'open');
      const caseFile = async () => (await flow.as('discipline').get(`/findings/${findingId}/case-file`).expect(200)).body;
      try {
        const first = await caseFile();
        expect(first.attachments).toEqual([expect.objectContaining({ intact: true })]);
        expect((await caseFile()).intact).toBe(true);
        expect(reads).not.toHaveBeenCalled();

        // The same number of bytes, one of them changed.
        const path = join(directory, filesUnder(directory).find((file) => file.endsWith(first.attachments[0].sha256))!);
        const original = readFileSync(path);
        const doctored = Buffer.from(original);
        doctored[doctored.length - 20] ^= 0xff;
        writeFileSync(path, doctored);
        expect((await caseFile()).attachments).toEqual([expect.objectContaining({ intact: false })]);
        writeFileSync(path, original);
        expect((await caseFile()).attachments).toEqual([expect.objectContaining({ intact: true })]);
        reads.mockClear();
        expect((await caseFile()).intact).toBe(true);
        expect(reads).not.toHaveBeenCalled();
      } finally {
        reads.mockRestore();
      }
    });
  });

  describe('quota and disk', () => {
    /** A 293 KB document, and a quota of two and a half of them. */
    const document = Buffer.concat([PDF, Buffer.alloc(300_000 - PDF.length)]);
    const quota = String((document.length * 2.5) / 1_048_576);

    it("refuses an upload past the user's daily quota with the reason, until midnight in the hospital's time zone, across restarts", async () => {
      await restart({ ATTACHMENT_DAILY_QUOTA_MB: quota });
      // 23:00 in Shanghai: an hour to midnight.
      const clock = jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date('2026-11-20T15:00:00Z'));
      await upload('surgeryStaff', document, 'one.pdf').expect(201);
      await upload('surgeryStaff', document, 'two.pdf').expect(201);
      const before = await t.counts();
      const refused = await upload('surgeryStaff', document, 'three.pdf').expect(429);
      expect(refused.headers['retry-after']).toBe('3600');
      expect(refused.body.message).toBe('Your uploads today would come to 879 KB, over the daily quota of 733 KB (147 KB left); the quota starts again at midnight (Asia/Shanghai)');
      expect(await t.counts()).toEqual(before);
      // Another user's uploads are their own.
      await upload('partyVerifier', document, 'one.pdf').expect(201);
      clock.mockRestore();

      await restart({ ATTACHMENT_DAILY_QUOTA_MB: quota });
      jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date('2026-11-20T15:59:00Z'));
      await upload('surgeryStaff', document, 'three.pdf').expect(429);
      jest.spyOn(t.app.get(Clock), 'now').mockReturnValue(new Date('2026-11-20T16:00:00Z'));
      await upload('surgeryStaff', document, 'three.pdf').expect(201);
    });

    it('counts parallel uploads one by one', async () => {
      await restart({ ATTACHMENT_DAILY_QUOTA_MB: quota });
      const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => upload('adminVerifier', document, `${i}.pdf`)));
      expect(answers.map((answer) => answer.status).sort()).toEqual([201, 201, 429, 429, 429, 429]);
      const [{ n }] = await t.dataSource.query(`SELECT COUNT(*) AS n FROM "attachments" WHERE "uploadedBy" = '${h.users.adminVerifier.id}'`);
      expect(Number(n)).toBe(2);
    });

    it('refuses uploads with 507 and the reason while free disk is below the floor, storing nothing', async () => {
      await restart({ ATTACHMENT_MIN_FREE_MB: String(2 ** 40) });
      const before = await t.counts();
      const files = filesUnder(directory);
      const refused = await upload('cardiologyStaff', await pngWith('no room'), 'ward.png').expect(507);
      expect(refused.body).toEqual({
        statusCode: 507,
        error: 'Insufficient Storage',
        message: `The file was not stored: storing it would leave less than ${2 ** 40} MB free in the attachment storage; try again once space has been made`,
        details: [{ field: 'file', reason: `storing it would leave less than ${2 ** 40} MB free in the attachment storage; try again once space has been made` }],
      });
      expect(await t.counts()).toEqual(before);
      expect(filesUnder(directory)).toEqual(files);
      await restart({ ATTACHMENT_MIN_FREE_MB: '0' });
      await upload('cardiologyStaff', await pngWith('no room'), 'ward.png').expect(201);
    });
  });
});
