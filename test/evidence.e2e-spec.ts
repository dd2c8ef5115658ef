import { createHash, randomBytes } from 'node:crypto';
import { readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { AttachmentsService } from '../src/attachments/attachments.service';
import { Clock } from '../src/common/clock';
import { createAuditTriggers, dropAuditTriggers } from '../migrations/audit-triggers';
import { PDF, jpegWith, pngWith } from './support/files';
import { Flow } from './support/flow';
import { Hospital, TEST_ITEM, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

/** Every stored file under the attachments directory, scratch space included. */
function filesUnder(directory: string): string[] {
  return readdirSync(directory, { recursive: true, encoding: 'utf8' }).filter((path) => statSync(join(directory, path)).isFile());
}

describe(`evidence files and the audit chain (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;
  let directory: string;

  beforeAll(async () => {
    t = await startApp({ ATTACHMENT_MAX_MB: '0.05' });
    h = await seedHospital(t);
    flow = new Flow(t, h);
    directory = t.environment.ATTACHMENTS_DIR;
  });

  afterAll(() => t.close());

  // `filepath` sends the name as given; `filename` alone would be cut to its last path part by the client.
  const upload = (who: keyof Hospital['users'], content: Buffer, name: string, fields: Record<string, string> = {}) =>
    t.http.post('/attachments').set('Authorization', `Bearer ${h.users[who].token}`).field(fields).attach('file', content, { filename: name, filepath: name } as { filename: string });
  const sha256 = (content: Buffer) => createHash('sha256').update(content).digest('hex');
  const verify = async () => (await flow.as('discipline').get('/audit/verify').expect(200)).body;

  describe('uploads', () => {
    it('stores a photo under its SHA-256 once, however often it is uploaded', async () => {
      const photo = await jpegWith('crash cart');
      const first = await upload('cardiologyStaff', photo, '抢救车.jpg', { effectiveDate: '2026-11-20' }).expect(201);
      expect(first.body).toEqual({
        id: expect.any(String),
        sha256: sha256(photo),
        size: photo.length,
        contentType: 'image/jpeg',
        originalName: '抢救车.jpg',
        effectiveDate: '2026-11-20',
        uploadedAt: expect.any(String),
        uploadedBy: h.users.cardiologyStaff.id,
        findingId: null,
        interviewId: null,
      });
      const again = await upload('surgeryStaff', photo, 'same.jpeg').expect(201);
      expect(again.body.id).not.toBe(first.body.id);
      expect(filesUnder(directory).filter((path) => path.endsWith(sha256(photo)))).toHaveLength(1);
      const read = await flow.as('cardiologyStaff').get(`/attachments/${first.body.id}`).expect(200);
      expect(read.headers['content-type']).toBe('image/jpeg');
      expect(read.headers['content-disposition']).toBe(`inline; filename*=UTF-8''${encodeURIComponent('抢救车.jpg')}`);
      expect(sha256(read.body as Buffer)).toBe(sha256(photo));
    });

    it('answers a retried upload with the same Idempotency-Key as the first time, storing one', async () => {
      const before = await t.counts();
      const photo = await pngWith('retried over flaky Wi-Fi');
      const send = () => upload('cardiologyStaff', photo, 'ward.png').set('Idempotency-Key', 'upload-key-0001').expect(201);
      const first = await send();
      const retry = await send();
      expect(retry.headers['idempotent-replayed']).toBe('true');
      expect(retry.body).toEqual(first.body);
      expect((await t.counts()).attachments).toBe(before.attachments + 1);
    });

    it('accepts PDF and Office documents, read from their content', async () => {
      const pdf = await upload('cardiologyStaff', PDF, 'minutes.pdf').expect(201);
      expect(pdf.body).toMatchObject({ contentType: 'application/pdf', size: PDF.length });
      const read = await flow.as('cardiologyStaff').get(`/attachments/${pdf.body.id}`).expect(200);
      expect(read.headers['content-disposition']).toMatch(/^inline/);
      await flow.as('cardiologyStaff').get(`/attachments/${pdf.body.id}/thumbnail`).expect(404);
      // PNG by its first bytes, nothing drawable after them: no thumbnail, and no 500.
      const broken = await upload('cardiologyStaff', Buffer.concat([(await pngWith('cut')).subarray(0, 40), Buffer.alloc(40)]), 'cut.png').expect(201);
      const thumbnail = await flow.as('cardiologyStaff').get(`/attachments/${broken.body.id}/thumbnail`).expect(404);
      expect(thumbnail.body.message).toBe(`No thumbnail: attachment ${broken.body.id} could not be decoded as image/png`);
    });

    it.each([
      ['a text file named .png', () => Buffer.from('just some words, not a picture'), 'photo.png', {}, 415, /its content is of no recognised type/],
      ['a JPEG renamed .pdf', () => jpegWith('renamed'), 'report.pdf', {}, 415, /its content is JPEG, but its name ends in ".pdf"/],
      ['an executable', () => Buffer.concat([Buffer.from('MZ'), randomBytes(200)]), 'tool.exe', {}, 415, /accepted are JPEG, PNG, HEIC, PDF/],
      ['an empty file', () => Buffer.alloc(0), 'empty.jpg', {}, 400, /^is empty$/],
      ['a file over the limit', () => randomBytes(60_000), 'big.jpg', {}, 413, /larger than the limit/],
      ['a path for a name', () => pngWith('path'), '../../etc/cron.d/x.png', {}, 400, /path parts/],
      ['a Windows path for a name', () => pngWith('path'), 'C:\\temp\\x.png', {}, 400, /path parts/],
      ['an effective date that is not a date', () => pngWith('date'), 'x.png', { effectiveDate: '20/11/2026' }, 400, /YYYY-MM-DD/],
      ['an effective date that does not exist', () => pngWith('date'), 'x.png', { effectiveDate: '2026-02-30' }, 400, /YYYY-MM-DD/],
      ['an effective date in the future', () => pngWith('future'), 'x.png', { effectiveDate: '2099-01-01' }, 400, /must not be after today/],
    ])('refuses %s with the reason, storing nothing', async (_, content, name, fields, status, reason) => {
      const before = await t.counts();
      const files = filesUnder(directory);
      const refused = await upload('cardiologyStaff', await content(), name, fields).expect(status);
      expect(refused.body.details[0]).toEqual({ field: expect.stringMatching(/^(file|effectiveDate)$/), reason: expect.stringMatching(reason) });
      expect(await t.counts()).toEqual(before);
      expect(filesUnder(directory)).toEqual(files);
    });

    it('refuses a body that is not multipart, a form without the file, two files, or a file under another name', async () => {
      const json = await flow.as('cardiologyStaff').post('/attachments', { file: 'x' }).expect(415);
      expect(json.body.details).toEqual([{ field: 'file', reason: 'must be sent as multipart/form-data' }]);
      const empty = await t.http.post('/attachments').set('Authorization', `Bearer ${h.users.cardiologyStaff.token}`).field('effectiveDate', '2026-11-20').expect(400);
      expect(empty.body.details).toEqual([{ field: 'file', reason: 'is required' }]);
      const png = await pngWith('two');
      const two = await t.http.post('/attachments').set('Authorization', `Bearer ${h.users.cardiologyStaff.token}`).attach('file', png, 'a.png').attach('file', png, 'b.png').expect(400);
      expect(two.body.details).toEqual([{ field: 'file', reason: 'one file per upload, with at most a few fields' }]);
      const misnamed = await t.http.post('/attachments').set('Authorization', `Bearer ${h.users.cardiologyStaff.token}`).attach('photo', png, 'a.png').expect(400);
      expect(misnamed.body.details).toEqual([{ field: 'photo', reason: 'is not expected; send the file in "file"' }]);
    });

    it('makes a thumbnail of a photo', async () => {
      const photo = await upload('cardiologyStaff', await sharp({ create: { width: 1600, height: 1200, channels: 3, background: '#c33' } }).jpeg().toBuffer(), 'big.jpg').expect(201);
      const thumbnail = await flow.as('cardiologyStaff').get(`/attachments/${photo.body.id}/thumbnail`).expect(200);
      expect(thumbnail.headers['content-type']).toBe('image/jpeg');
      expect(await sharp(thumbnail.body as Buffer).metadata()).toMatchObject({ format: 'jpeg', width: 320, height: 240 });
    });

    it('deletes uploads nobody used once ATTACHMENT_UNUSED_HOURS have passed, and keeps used ones', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
      const used = await flow.upload('cardiologyStaff', 'kept');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_EVIDENCE', note: 'n', attachmentIds: [used.id] });
      const unused = await flow.upload('cardiologyStaff', 'forgotten');
      const clock = t.app.get(Clock);
      const spy = jest.spyOn(clock, 'now').mockReturnValue(new Date(Date.now() + 25 * 3_600_000));
      try {
        expect(await t.app.get(AttachmentsService).removeUnused()).toBeGreaterThanOrEqual(1);
      } finally {
        spy.mockRestore();
      }
      await flow.as('cardiologyStaff').get(`/attachments/${unused.id}`).expect(404);
      expect(filesUnder(directory).some((path) => path.endsWith(unused.sha256))).toBe(false);
      await flow.as('cardiologyStaff').get(`/attachments/${used.id}`).expect(200);
    });
  });

  describe('evidence on findings', () => {
    it('records photos and evidence with their hashes in the audit trail, and each decision with what it decided on', async () => {
      const roundId = await flow.startedRound('administrative');
      const photo = await flow.upload('inspector', 'expired ampoule', 'ampoule.png', { effectiveDate: '2026-11-22' });
      const findingId = await flow.logFinding(roundId, 'administrative', { severity: 'critical', attachmentIds: [photo.id] });
      await flow.as('lead').post(`/rounds/${roundId}/events`, { type: 'SUBMIT' }).expect(200);
      const logged = await flow.as('cardiologyStaff').get(`/findings/${findingId}`).expect(200);
      expect(logged.body.photos).toEqual([{ id: photo.id, sha256: photo.sha256, size: photo.size, contentType: 'image/png', originalName: 'ampoule.png', effectiveDate: '2026-11-22' }]);
      // The department sees the photo of its finding; the inspector's other uploads stay the inspector's.
      await flow.as('cardiologyStaff').get(`/attachments/${photo.id}`).expect(200);

      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: '每日核对 daily checks', committedDate: flow.planDate() });
      const bare = await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_EVIDENCE', note: 'done' }, 400);
      expect(bare.body.details).toEqual([{ field: 'attachmentIds', reason: 'a critical finding needs at least 1 attachment(s) as evidence (rule EVIDENCE_REQUIRED)' }]);
      const first = await flow.upload('cardiologyStaff', 'first evidence');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_EVIDENCE', note: 'replaced', attachmentIds: [first.id] });
      await flow.send('adminVerifier', findingId, { type: 'VERIFY_REJECT', reason: 'blurred' });
      const second = await flow.upload('cardiologyStaff', 'second evidence');
      const resubmitted = await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_EVIDENCE', note: 'clear photo', attachmentIds: [first.id, second.id] });
      expect(resubmitted.body.evidence).toMatchObject({ note: 'clear photo', attachments: [{ id: first.id, sha256: first.sha256 }, { id: second.id, sha256: second.sha256 }] });
      const accepted = await flow.send('adminVerifier', findingId, { type: 'VERIFY_ACCEPT' });
      expect(accepted.body).toMatchObject({ state: 'closure_audit', verification: { acceptedBy: h.users.adminVerifier.id } });
      await flow.send('discipline', findingId, { type: 'AUDIT_APPROVE' });
      const reopened = await flow.send('discipline', findingId, { type: 'REOPEN', reason: 'recurred' });
      expect(reopened.body).toMatchObject({ state: 'rectifying', verification: null });

      const trail = (await flow.as('discipline').get(`/findings/${findingId}/audit`).expect(200)).body.items as { event: string; payload: Record<string, any> }[];
      expect(trail.map((entry) => entry.event)).toEqual([
        'LOG_FINDING', 'ASSIGN', 'SUBMIT_PLAN', 'SUBMIT_EVIDENCE', 'VERIFY_REJECT', 'SUBMIT_EVIDENCE', 'VERIFY_ACCEPT', 'AUDIT_APPROVE', 'REOPEN',
      ]);
      expect(trail[0].payload.photos).toEqual([expect.objectContaining({ id: photo.id, sha256: photo.sha256 })]);
      expect(trail[3].payload.attachments).toEqual([expect.objectContaining({ id: first.id, sha256: first.sha256 })]);
      expect(trail[4].payload.decidedOn).toEqual({
        version: 4,
        measures: '每日核对 daily checks',
        committedDate: flow.planDate(),
        evidence: expect.objectContaining({ note: 'replaced', attachments: [expect.objectContaining({ sha256: first.sha256 })] }),
      });
      expect(trail[6].payload.decidedOn).toMatchObject({ version: 6, evidence: { note: 'clear photo', attachments: [{ sha256: first.sha256 }, { sha256: second.sha256 }] } });
      expect(trail[7].payload.decidedOn).toMatchObject({ version: 7, evidence: { note: 'clear photo' } });
      expect(trail[5].payload).not.toHaveProperty('attachmentIds');
    });

    it('takes photos with a finding raised from a failed checklist item', async () => {
      const roundId = await flow.startedRound('administrative');
      const photo = await flow.upload('inspector', 'fire door blocked');
      const others = await flow.upload('lead', 'the lead took this');
      const refused = await flow.as('inspector').put(`/rounds/${roundId}/results/${TEST_ITEM}`, { result: 'fail', raiseFinding: { attachmentIds: [others.id] } }).expect(400);
      expect(refused.body.details).toEqual([{ field: 'raiseFinding.attachmentIds[0]', reason: 'names no attachment you uploaded' }]);
      const results = await flow.as('inspector').put(`/rounds/${roundId}/results/${TEST_ITEM}`, { result: 'fail', raiseFinding: { attachmentIds: [photo.id] } }).expect(200);
      const findingId = results.body.parts[0].items.find((item: { code: string }) => item.code === TEST_ITEM).findingId;
      expect((await flow.as('lead').get(`/findings/${findingId}`).expect(200)).body.photos).toEqual([expect.objectContaining({ id: photo.id, sha256: photo.sha256 })]);
      expect((await flow.as('lead').get(`/attachments/${photo.id}/metadata`).expect(200)).body.findingId).toBe(findingId);
    });

    it("lets an attachment be used only by its uploader's own request, and shows it only to those who see its finding", async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
      const others = await flow.upload('surgeryStaff', 'not yours');
      const before = await t.counts();
      const refused = await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_EVIDENCE', note: 'n', attachmentIds: [others.id] }, 400);
      expect(refused.body.details).toEqual([{ field: 'attachmentIds[0]', reason: 'names no attachment you uploaded' }]);
      expect(await t.counts()).toEqual(before);
      await flow.as('cardiologyStaff').get(`/attachments/${others.id}`).expect(404);

      const mine = await flow.upload('cardiologyStaff', 'evidence of one finding');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_EVIDENCE', note: 'n', attachmentIds: [mine.id] });
      await flow.as('surgeryStaff').get(`/attachments/${mine.id}`).expect(404);
      await flow.as('surgeryStaff').get(`/attachments/${mine.id}/thumbnail`).expect(404);
      await flow.as('adminVerifier').get(`/attachments/${mine.id}`).expect(200);
      await flow.as('lead').get(`/attachments/${mine.id}/metadata`).expect(200);

      const other = await flow.assignedFinding('administrative');
      await flow.send('cardiologyStaff', other.findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
      const reused = await flow.send('cardiologyStaff', other.findingId, { type: 'SUBMIT_EVIDENCE', note: 'n', attachmentIds: [mine.id] }, 400);
      expect(reused.body.details).toEqual([{ field: 'attachmentIds[0]', reason: 'belongs to another finding' }]);
    });

    it('keeps an integrity finding\'s evidence from those who may not see the finding', async () => {
      const { findingId } = await flow.assignedFinding('integrity');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
      const receipt = await flow.upload('cardiologyStaff', 'receipt');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_EVIDENCE', note: 'n', attachmentIds: [receipt.id] });
      await flow.as('discipline').get(`/attachments/${receipt.id}`).expect(200);
      await flow.as('adminVerifier').get(`/attachments/${receipt.id}`).expect(404);
      await flow.as('admin').get(`/attachments/${receipt.id}`).expect(404);
    });
  });

  describe('evidence changed on disk', () => {
    it('is caught at the entry that recorded it', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_PLAN', measures: 'm', committedDate: flow.planDate() });
      const photo = await flow.upload('cardiologyStaff', 'to be doctored');
      await flow.send('cardiologyStaff', findingId, { type: 'SUBMIT_EVIDENCE', note: 'n', attachmentIds: [photo.id] });
      await t.linked();
      const [entry] = await t.dataSource.query(`SELECT "seq" FROM "audit_entries" WHERE "entityId" = '${findingId}' AND "event" = 'SUBMIT_EVIDENCE'`);
      const path = join(directory, filesUnder(directory).find((file) => file.endsWith(photo.sha256))!);
      const original = readFileSync(path);
      writeFileSync(path, await pngWith('doctored'));
      const result = await verify();
      expect(result.ok).toBe(false);
      expect(result.firstBroken).toEqual({
        seq: Number(entry.seq),
        reason: `attachment ${photo.id}: its file's SHA-256 is ${sha256(await pngWith('doctored'))}, not the ${photo.sha256} recorded`,
      });
      writeFileSync(path, original);
      expect((await verify()).ok).toBe(true);
    });
  });
  describe('the audit chain', () => {
    it('stays one chain, numbered without gaps, under many concurrent transitions and refusals, each entry linked within a second', async () => {
      const findings = await Promise.all(Array.from({ length: 8 }, () => flow.assignedFinding('administrative')));
      await Promise.all(
        findings.map(async ({ findingId }) => {
          for (let i = 0; i < 125; i++) {
            await flow.send('cardiologyStaff', findingId, { type: 'DISPUTE', reason: `round ${i}` });
            // A refused event writes nothing and leaves no gap.
            await flow.send('cardiologyStaff', findingId, { type: 'DISPUTE', reason: 'again' }, 409);
            await flow.send('lead', findingId, { type: 'UPHOLD' });
          }
        }),
      );
      // On PostgreSQL the sealer links entries after their commit: the last ones, moments after the last answer.
      const answered = Date.now();
      await t.linked();
      expect(Date.now() - answered).toBeLessThan(1000);
      const [{ n, top }] = await t.dataSource.query('SELECT COUNT(*) AS n, MAX("seq") AS top FROM "audit_entries"');
      expect(Number(n)).toBeGreaterThan(2000);
      expect(Number(top)).toBe(Number(n));
      const result = await verify();
      expect(result).toEqual({ ok: true, checked: Number(n), headSeq: Number(n), head: expect.stringMatching(/^[0-9a-f]{64}$/), unlinked: 0, attachmentsChecked: expect.any(Number) });
      const [last] = await t.dataSource.query(`SELECT "hash" FROM "audit_entries" WHERE "seq" = ${Number(top)}`);
      expect(result.head).toBe(last.hash);
    });

    it('names exactly the entry whose content or hash was changed behind the triggers', async () => {
      const { findingId } = await flow.assignedFinding('administrative');
      await t.linked();
      const [entry] = await t.dataSource.query(`SELECT "seq" FROM "audit_entries" WHERE "entityId" = '${findingId}' AND "event" = 'ASSIGN'`);
      const tamper = async (sql: string) => {
        const runner = t.dataSource.createQueryRunner();
        try {
          await dropAuditTriggers(runner);
          await runner.query(sql);
          await createAuditTriggers(runner, { sealing: true });
        } finally {
          await runner.release();
        }
      };
      await tamper(`UPDATE "audit_entries" SET "payload" = '{"deadline":"2027-12-31"}' WHERE "seq" = ${entry.seq}`);
      expect(await verify()).toMatchObject({
        ok: false,
        firstBroken: { seq: Number(entry.seq), reason: "the stored hash does not match the entry's content and the previous entry's hash" },
      });
      const trail = await flow.as('discipline').get(`/findings/${findingId}/audit`).expect(200);
      expect(trail.body.items[1].payload).toEqual({ deadline: '2027-12-31' });
    });
  });

});
