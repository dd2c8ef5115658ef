import { LABELS, type Label } from '../workflows';
import { Flow } from './support/flow';
import { Hospital, seedHospital } from './support/hospital';
import { TestApp, startApp } from './support/test-app';

const onPostgres = /^postgres/.test(process.env.DATABASE_URL ?? '');

describe(`the labels of the domain's words (${onPostgres ? 'PostgreSQL' : 'SQLite'})`, () => {
  let t: TestApp;
  let h: Hospital;
  let flow: Flow;

  beforeAll(async () => {
    t = await startApp();
    h = await seedHospital(t);
    flow = new Flow(t, h);
  });

  afterAll(() => t.close());

  it('are served at GET /workflows/labels, naming every state and event of every workflow in both languages', async () => {
    const labels = (await flow.as('inspector').get('/workflows/labels').expect(200)).body as Record<keyof typeof LABELS, Record<string, Label>>;
    expect(labels).toEqual(LABELS);

    const workflows = (await flow.as('inspector').get('/workflows').expect(200)).body as { states: string[]; events: string[] }[];
    // A state without children is one a subject can be in; its name is the path's last part.
    const states = workflows.flatMap((w) => w.states.filter((path) => !w.states.some((other) => other.startsWith(`${path}.`))).map((path) => path.split('.').at(-1)!));
    // Done events (`xstate.done.state…`) are the machines' own, never sent from outside.
    const events = workflows.flatMap((w) => w.events).filter((event) => !event.startsWith('xstate.'));
    const unnamed = [...states.map((state) => ['state', state]), ...events.map((event) => ['event', event])].filter(
      ([group, name]) => !labels[group as 'state' | 'event'][name]?.zh || !labels[group as 'state' | 'event'][name]?.en,
    );
    expect(unnamed).toEqual([]);
  });

  it('name the finding\'s state in the printed case file, in both languages', async () => {
    const { findingId } = await flow.assignedFinding('administrative');
    const page = await flow.as('discipline').get(`/findings/${findingId}/case-file?format=html`).expect(200);
    expect(page.text).toContain(`<td>${LABELS.state.assigned.zh} ${LABELS.state.assigned.en}</td>`);
  });
});
