import { getDataSourceToken } from '@nestjs/typeorm';
import { Role } from '@velvet/access';
import request from 'supertest';
import type { DataSource } from 'typeorm';
import { seedCatalog } from '../scripts/seed/seed-catalog';
import { bearer, createStaff, type Session } from './support/http';
import { type RunningPortal, startPortal } from './support/portal';

describe('catalog: each model names its tokenizer', () => {
  let portal: RunningPortal;
  let admin: Session;
  let db: DataSource;

  beforeAll(async () => {
    portal = await startPortal();
    db = portal.app.get<DataSource>(getDataSourceToken());
    await seedCatalog(db);
    admin = await createStaff(portal, Role.PlatformAdmin, 'platform-tokenizer@example.com');
  });
  afterAll(() => portal?.close());

  const model = (slug: string, extra: Record<string, unknown> = {}) => ({
    slug,
    displayName: slug,
    tier: 'standard',
    inputPriceMicrosPerMTok: '1000000',
    outputPriceMicrosPerMTok: '2000000',
    upstream: { kind: 'simulator' },
    ...extra,
  });

  it('defaults to o200k_base, takes cl100k_base, and the seed sets it per model', async () => {
    const plain = await request(portal.url)
      .post('/catalog/models')
      .set(bearer(admin))
      .send(model('tok-default'))
      .expect(201);
    expect(plain.body.tokenizer).toBe('o200k_base');
    const older = await request(portal.url)
      .post('/catalog/models')
      .set(bearer(admin))
      .send(model('tok-cl100k', { tokenizer: 'cl100k_base' }))
      .expect(201);
    expect(older.body.tokenizer).toBe('cl100k_base');
    const changed = await request(portal.url)
      .patch(`/catalog/models/${plain.body.id}`)
      .set(bearer(admin))
      .send({ tokenizer: 'cl100k_base' })
      .expect(200);
    expect(changed.body.tokenizer).toBe('cl100k_base');
    const seeded: { slug: string; tokenizer: string }[] = await db.query(
      `SELECT slug, tokenizer FROM models WHERE slug IN ('velvet-lite-1', 'velvet-pro-1') ORDER BY slug`,
    );
    expect(seeded).toEqual([
      { slug: 'velvet-lite-1', tokenizer: 'cl100k_base' },
      { slug: 'velvet-pro-1', tokenizer: 'o200k_base' },
    ]);
  });

  it('refuses an unknown tokenizer with a 400 and creates nothing', async () => {
    const res = await request(portal.url)
      .post('/catalog/models')
      .set(bearer(admin))
      .send(model('tok-bad', { tokenizer: 'gpt2' }))
      .expect(400);
    expect(JSON.stringify(res.body)).toMatch(/tokenizer/);
    expect(await db.query(`SELECT 1 FROM models WHERE slug = 'tok-bad'`)).toHaveLength(0);
    // The database refuses it too, whatever writes the row.
    await expect(
      db.query(`UPDATE models SET tokenizer = 'gpt2' WHERE slug = 'tok-default'`),
    ).rejects.toThrow(/models_tokenizer_check/);
  });
});
