import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

/** Client text that looks like a pattern is only ever compared as text. */
describe('hostile keys', () => {
  let t: TestApp;
  let h: Hospital;
  let token: string;

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    token = h.users.inspector.token;
  });
  afterAll(() => t.close());

  it('refuses a backtracking pattern as a login key at once, naming it', async () => {
    const key = `(${'.*'.repeat(40)})x`;
    const started = Date.now();
    const response = await t.http.post('/auth/login').send({ username: 'nobody-here', password: 'x'.repeat(12), [key]: 'a'.repeat(64) });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(response.status).toBe(400);
    expect(response.body.details).toContainEqual({ field: key, reason: 'should not exist' });
  });

  it('refuses an unbalanced key in a body with 400, not 500', async () => {
    const response = await t.http.post('/auth/login').send({ username: 'nobody-here', password: 'x'.repeat(12), '(': 1 });
    expect(response.status).toBe(400);
    expect(response.body.details).toContainEqual({ field: '(', reason: 'should not exist' });
  });

  it('refuses an unbalanced query key on a signed-in read with 400, not 500', async () => {
    const response = await t.http.get('/findings').query({ '([': 'x' }).set({ Authorization: `Bearer ${token}` });
    expect(response.status).toBe(400);
    expect(response.body.details).toContainEqual({ field: '([', reason: 'should not exist' });
  });

  it('takes a people search as plain text: wildcards match themselves, a long or repeated one and unknown keys are refused with 400', async () => {
    const lookup = (query: string) => t.http.get(`/people?${query}`).set({ Authorization: `Bearer ${h.users.lead.token}` });
    for (const wildcard of ['%25', '_', '%5C', '.*', '(%5B']) {
      const response = await lookup(`q=${wildcard}&limit=500`);
      expect({ wildcard, status: response.status, total: response.body.total }).toEqual({ wildcard, status: 200, total: 0 });
    }
    const cases: [string, string][] = [
      [`q=${'x'.repeat(101)}`, 'q'],
      ['q=a&q=b', 'q'],
      ['(%5B=x', '(['],
      ['username=lead', 'username'],
      ['role=admin', 'role'],
    ];
    for (const [query, field] of cases) {
      const response = await lookup(query);
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
      expect(response.body.details.map((problem: { field: string }) => problem.field)).toContain(field);
    }
  });

  // The cases below were found by the fuzz test (test/fuzz.e2e-spec.ts); each answered 500 before.
  const as = (who: keyof Hospital['users']) => ({ Authorization: `Bearer ${h.users[who].token}` });

  it('refuses an offset JavaScript calls an integer but no database takes (1e308) with 400, not 500', async () => {
    const response = await t.http.get('/findings').query({ offset: '1e308' }).set(as('discipline'));
    expect(response.status).toBe(400);
    expect(response.body.details).toContainEqual({ field: 'offset', reason: `must not be greater than ${Number.MAX_SAFE_INTEGER}` });
    const last = await t.http.get('/findings').query({ offset: String(Number.MAX_SAFE_INTEGER) }).set(as('discipline')).expect(200);
    expect(last.body.items).toEqual([]);
  });

  it('refuses points written with an exponent (5e-324) with 400, not 500', async () => {
    const item = { code: 'E-1', title: '指数', titleEn: 'Exponent', category: 'x', standard: 'x', maxDeduction: 5e-324, veto: false, source: null };
    const checklist = await t.http.post('/checklists').set(as('admin')).send({ roundType: 'administrative', title: 'x', items: [item] });
    expect(checklist.status).toBe(400);
    expect(checklist.body.details).toContainEqual({ field: 'items[0].maxDeduction', reason: 'must have at most one decimal place' });
    const roundId = await new Flow(t, h).startedRound('administrative');
    const result = await t.http.put(`/rounds/${roundId}/results/T-1`).set(as('lead')).send({ result: 'fail', deduction: 1e-7 });
    expect(result.status).toBe(400);
    expect(result.body.details).toContainEqual({ field: 'deduction', reason: 'must have at most one decimal place' });
  });

  it('refuses a body nested deeper than any request needs with 400, at once, before anything walks it', async () => {
    const deepObject = `${'{"a":'.repeat(20_000)}1${'}'.repeat(20_000)}`;
    const started = Date.now();
    const login = await t.http.post('/auth/login').set('Content-Type', 'application/json').send(deepObject);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(login.status).toBe(400);
    expect(login.body.details).toEqual([{ field: 'body', reason: 'is nested deeper than 32 levels' }]);
    // With an Idempotency-Key the body is hashed before it is validated.
    const deepArray = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    const round = await t.http.post('/rounds').set({ ...as('lead'), 'Idempotency-Key': 'deep-1', 'Content-Type': 'application/json' }).send(deepArray);
    expect(round.status).toBe(400);
    expect(round.body.details).toEqual([{ field: 'body', reason: 'is nested deeper than 32 levels' }]);
  });

  it('refuses a body of more keys than any request needs with 400, at once, before anything walks it', async () => {
    const manyKeys = Object.fromEntries(Array.from({ length: 90_000 }, (_, i) => [String(i), 0]));
    const started = Date.now();
    const login = await t.http.post('/auth/login').send({ username: 'nobody-here', password: 'x'.repeat(12), ...manyKeys });
    expect(Date.now() - started).toBeLessThan(1000);
    expect(login.status).toBe(400);
    expect(login.body.details).toEqual([{ field: 'body', reason: 'has more than 5000 keys and items in all' }]);
    // A checklist of the most items a standard may hold is well inside it: read, and judged on its fields
    // (here an unknown round type, so that no standard is published for the suites after this one).
    const items = Array.from({ length: 200 }, (_, i) => ({ code: `K-${i}`, title: '条目', titleEn: 'Item', category: '类', standard: 'Holds', maxDeduction: 1, veto: false }));
    const long = await t.http.post('/checklists').set(as('admin')).send({ roundType: 'none_such', title: 'A long standard', items }).expect(400);
    expect(long.body.details.map((problem: { field: string }) => problem.field)).toEqual(['roundType']);
  });

  it('refuses an unknown key holding a `constructor` key in an event body with 400, not 500, writing nothing', async () => {
    const { findingId } = await new Flow(t, h).assignedFinding('administrative');
    const before = await t.counts();
    const response = await t.http.post(`/findings/${findingId}/events`).set(as('lead')).send({ type: 'WITHDRAW', reason: 'x', a: { constructor: '?' } });
    expect(response.status).toBe(400);
    expect(response.body.details).toContainEqual({ field: 'a', reason: 'should not exist' });
    expect(await t.counts()).toEqual(before);
  });

  it('refuses a multipart upload without a boundary, or cut short, with 400, not 500, keeping nothing', async () => {
    const upload = (contentType: string, body: string) => t.http.post('/attachments').set({ ...as('inspector'), 'Content-Type': contentType }).send(body);
    const cutShort = '--x\r\nContent-Disposition: form-data; name="file"; filename="a.png"\r\n\r\n\x89PNG';
    for (const response of [await upload('multipart/form-data', '{}'), await upload('multipart/form-data; boundary=x', cutShort)]) {
      expect(response.status).toBe(400);
      expect(response.body.details).toEqual([{ field: 'file', reason: 'the multipart body could not be read' }]);
    }
    expect(readdirSync(join(t.environment.ATTACHMENTS_DIR, 'incoming'))).toEqual([]);
  });

  it('refuses U+0000 in any text, which PostgreSQL cannot store, with 400 naming the field', async () => {
    const department = await t.http.post('/departments').set(as('admin')).send({ code: 'NUL', name: '心内\u0000科', kind: 'clinical' });
    expect(department.status).toBe(400);
    expect(department.body.details).toEqual([{ field: 'name', reason: 'must not contain the character U+0000' }]);
    const item = { code: 'N-1', title: 'x', titleEn: 'x\u0000', category: 'x', standard: 'x', maxDeduction: 1, veto: false, source: null };
    const checklist = await t.http.post('/checklists').set(as('admin')).send({ roundType: 'integrity', title: 'x', items: [item] });
    expect(checklist.status).toBe(400);
    expect(checklist.body.details).toEqual([{ field: 'items[0].titleEn', reason: 'must not contain the character U+0000' }]);
    const audit = await t.http.get('/audit').query({ actorId: '\u0000' }).set(as('admin'));
    expect(audit.status).toBe(400);
    expect(audit.body.details).toEqual([{ field: 'actorId', reason: 'must not contain the character U+0000' }]);
  });

  it('refuses null for a field an edit may leave out but not empty with 400 naming it, changing nothing', async () => {
    const fieldsOf = (answer: { body: { details: { field: string }[] } }) => [...new Set(answer.body.details.map((problem) => problem.field))];
    const department = h.departments.cardiology;
    const before = (await t.http.get('/departments').set(as('admin'))).body.items.find((d: { id: string }) => d.id === department);
    for (const field of ['name', 'kind', 'leadOfficeFor']) {
      const answer = await t.http.patch(`/departments/${department}`).set(as('admin')).send({ [field]: null });
      expect(answer.status).toBe(400);
      expect(fieldsOf(answer)).toEqual([field]);
    }
    expect((await t.http.get('/departments').set(as('admin'))).body.items.find((d: { id: string }) => d.id === department)).toEqual(before);
    const branch = (await t.http.post('/party-branches').set(as('admin')).send({ code: 'PB-NULL', name: '空值党支部' }).expect(201)).body;
    const unnamed = await t.http.patch(`/party-branches/${branch.id}`).set(as('admin')).send({ name: null });
    expect(unnamed.status).toBe(400);
    expect(fieldsOf(unnamed)).toEqual(['name']);
    // A null secretary is meaningful: the branch has none.
    await t.http.patch(`/party-branches/${branch.id}`).set(as('admin')).send({ secretaryId: null }).expect(200);
    for (const field of ['rule', 'leadId', 'teamMemberIds']) {
      const answer = await t.http.patch('/round-plans/00000000-0000-4000-8000-000000000000').set(as('lead')).send({ [field]: null });
      expect(answer.status).toBe(400);
      expect(fieldsOf(answer)).toEqual([field]);
    }
    for (const field of ['displayName', 'roles', 'disabled']) {
      const answer = await t.http.patch(`/users/${h.users.inspector.id}`).set(as('admin')).send({ [field]: null });
      expect(answer.status).toBe(400);
      expect(fieldsOf(answer)).toEqual([field]);
    }
  });
});
