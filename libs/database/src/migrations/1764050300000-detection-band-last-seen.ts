import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The band memory forgets: `last_seen` records when an organisation last sent a band (refreshed at
 * most once a day per band, to keep re-sent prompts from rewriting rows every run), and the detection
 * run purges bands no one sent for the retention period. A prompt an organisation keeps re-sending (a
 * nightly benchmark) is never forgotten, so it never looks new again.
 */
export class DetectionBandLastSeen1764050300000 implements MigrationInterface {
  name = 'DetectionBandLastSeen1764050300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE detection_prompt_bands ADD COLUMN last_seen timestamptz`);
    await q.query(`UPDATE detection_prompt_bands SET last_seen = first_seen`);
    await q.query(`ALTER TABLE detection_prompt_bands ALTER COLUMN last_seen SET NOT NULL`);
    await q.query(
      `CREATE INDEX detection_prompt_bands_last_seen ON detection_prompt_bands (last_seen)`,
    );
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX detection_prompt_bands_last_seen`);
    await q.query(`ALTER TABLE detection_prompt_bands DROP COLUMN last_seen`);
  }
}
