import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Everyone who requested, edited or submitted a contract during its review: none of them may
 * approve it (before, only the requester and the last amender were barred).
 */
export class FourEyesContributors1764040300000 implements MigrationInterface {
  name = 'FourEyesContributors1764040300000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER TABLE contracts ADD COLUMN review_contributors uuid[] NOT NULL DEFAULT '{}'`,
    );
    // what is known of existing rows: the requester, the last amender and every actor of a submission
    await q.query(`
      UPDATE contracts c SET review_contributors = ARRAY(
        SELECT DISTINCT u FROM (
          SELECT c.requested_by AS u
          UNION SELECT c.amended_by WHERE c.amended_by IS NOT NULL
          UNION SELECT t.actor_user_id FROM contract_transitions t
           WHERE t.contract_id = c.id AND t.to_status IN ('draft', 'submitted') AND t.actor_user_id IS NOT NULL
        ) x)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE contracts DROP COLUMN review_contributors`);
  }
}
