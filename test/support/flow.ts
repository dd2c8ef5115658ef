import { addDays, type RoundType } from '../../workflows';
import { Clock } from '../../src/common/clock';
import { TEST_ITEM, type Hospital } from './hospital';
import type { TestApp } from './test-app';
import { pngWith } from './files';

/** Short verbs for the walk through a finding's life, each asserting the status it expects. */
export class Flow {
  constructor(
    private readonly t: TestApp,
    private readonly h: Hospital,
  ) {}

  /** A date a plan may commit to: `days` after the service's today (its clock, mocked or not), before any default deadline. */
  planDate(days = 5): string {
    const clock = this.t.app.get(Clock);
    return addDays(clock.dateOf(clock.now()), days);
  }

  as(who: keyof Hospital['users']) {
    const token = this.h.users[who].token;
    const t = this.t;
    return {
      post: (path: string, body: object, headers: Record<string, string> = {}) =>
        t.http.post(path).set({ Authorization: `Bearer ${token}`, ...headers }).send(body),
      put: (path: string, body: object) => t.http.put(path).set({ Authorization: `Bearer ${token}` }).send(body),
      get: (path: string) => t.http.get(path).set('Authorization', `Bearer ${token}`),
      delete: (path: string) => t.http.delete(path).set('Authorization', `Bearer ${token}`),
    };
  }

  /** A round of the type, started, its checklist passed: ready to log findings and be submitted. */
  async startedRound(type: RoundType, departmentId = this.h.departments.cardiology): Promise<string> {
    const body = { types: [type], departmentId, scheduledFor: '2026-11-24', leadId: this.h.users.lead.id, teamMemberIds: [this.h.users.inspector.id] };
    const round = await this.as('lead').post('/rounds', body).expect(201);
    await this.as('lead').post(`/rounds/${round.body.id}/events`, { type: 'START' }).expect(200);
    await this.as('lead').put(`/rounds/${round.body.id}/results/${TEST_ITEM}`, { result: 'pass' }).expect(200);
    return round.body.id as string;
  }

  async logFinding(roundId: string, roundType: RoundType, extra: object = {}): Promise<string> {
    const body = {
      roundType,
      title: '抢救车药品过期 expired drugs in the crash cart',
      description: 'Two ampoules past their date',
      severity: 'major',
      responsibleDepartmentId: this.h.departments.cardiology,
      ...extra,
    };
    return (await this.as('inspector').post(`/rounds/${roundId}/findings`, body).expect(201)).body.id as string;
  }

  /** A round of the type with one finding, submitted, so the finding is assigned. */
  async assignedFinding(type: RoundType, extra: object = {}): Promise<{ roundId: string; findingId: string }> {
    const roundId = await this.startedRound(type);
    const findingId = await this.logFinding(roundId, type, extra);
    await this.as('lead').post(`/rounds/${roundId}/events`, { type: 'SUBMIT' }).expect(200);
    return { roundId, findingId };
  }

  /** An assigned finding its department (cardiology) has signed for: only its deadline's clock runs. */
  async signedFinding(type: RoundType, extra: object = {}): Promise<{ roundId: string; findingId: string }> {
    const assigned = await this.assignedFinding(type, extra);
    await this.send('cardiologyStaff', assigned.findingId, { type: 'ACKNOWLEDGE' });
    return assigned;
  }

  send(who: keyof Hospital['users'], findingId: string, event: object, status = 200) {
    return this.as(who).post(`/findings/${findingId}/events`, event).expect(status);
  }

  /** Uploads a file as `who`; the content differs by `seed`, so each upload is new content unless told otherwise. */
  async upload(who: keyof Hospital['users'], seed = String(Math.random()), name = 'photo.png', fields: Record<string, string> = {}) {
    const request = this.t.http.post('/attachments').set('Authorization', `Bearer ${this.h.users[who].token}`).field(fields).attach('file', await pngWith(seed), name);
    return (await request.expect(201)).body as { id: string; sha256: string; size: number; contentType: string; originalName: string };
  }

  /** SUBMIT_EVIDENCE with one photo uploaded by the same person: enough for any severity by default. */
  async submitEvidence(who: keyof Hospital['users'], findingId: string, note: string, status = 200) {
    const photo = await this.upload(who);
    return this.send(who, findingId, { type: 'SUBMIT_EVIDENCE', note, attachmentIds: [photo.id] }, status);
  }

  async auditEvents(entity: 'findings' | 'rounds', id: string): Promise<string[]> {
    const trail = await this.as('discipline').get(`/${entity}/${id}/audit`).expect(200);
    return trail.body.items.map((entry: { event: string }) => entry.event);
  }
}
