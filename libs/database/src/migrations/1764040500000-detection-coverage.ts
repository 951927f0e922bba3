import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Long-horizon detection state. `detection_prompt_bands` remembers, per organisation, when each
 * prompt LSH band (minhash-v1, the first bands of `prompt_bands`) was first seen: a prompt none of
 * whose bands the organisation sent before is new to it. Coverage of an instruction space over
 * hours and days, and "many organisations start sending the same new prompts", become index
 * look-ups instead of pairwise comparisons. Derived data: it can be dropped and rebuilt from the log.
 * Cases also carry the benign explanations a reviewer should weigh.
 */
export class DetectionCoverage1764040500000 implements MigrationInterface {
  name = 'DetectionCoverage1764040500000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE detection_prompt_bands (
        organization_id uuid NOT NULL,
        band bigint NOT NULL,
        first_seen timestamptz NOT NULL,
        PRIMARY KEY (organization_id, band)
      )`);
    await q.query(
      `CREATE INDEX detection_prompt_bands_band ON detection_prompt_bands (band, first_seen)`,
    );
    // Hours whose calls are all in the band memory: a run after a gap (or the first run) fills in the others.
    await q.query(`CREATE TABLE detection_band_hours (hour timestamptz PRIMARY KEY)`);
    await q.query(
      `ALTER TABLE alert_cases ADD COLUMN benign_explanations jsonb NOT NULL DEFAULT '[]'`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE alert_cases DROP COLUMN benign_explanations`);
    await q.query(`DROP TABLE detection_band_hours`);
    await q.query(`DROP TABLE detection_prompt_bands`);
  }
}
