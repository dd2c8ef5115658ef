import { EVERY_ENTITY } from '../src/every-entity';
import { TestApp, startApp } from './support/test-app';

describe('entities', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startApp()));
  afterAll(() => t.close());

  it('are loaded by their own modules, and the tools list exactly those', () => {
    const loaded = t.dataSource.entityMetadatas.map((metadata) => metadata.target);
    expect(new Set(loaded)).toEqual(new Set(EVERY_ENTITY));
  });
});
