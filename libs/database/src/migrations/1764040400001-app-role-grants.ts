import type { MigrationInterface, QueryRunner } from 'typeorm';
import { APP_ROLE } from '../roles';

/** Tables the app role may only append to and read: the log, its tree nodes, heads and cosignatures. */
const APPEND_ONLY = ['audit_log', 'audit_tree_node', 'audit_tree_head', 'audit_cosignature'];

/**
 * The app role (portal, gateway, worker) gets what the product needs and no more: read and write on
 * the product's tables, INSERT and SELECT only on the append-only audit tables, and nothing on the
 * migrations table but SELECT. It owns nothing, so it cannot ALTER a table (disable a trigger, drop
 * the CHECK). Tables that later migrations create (run by the same owner role) get the same default
 * grants; a table that must be append-only revokes UPDATE and DELETE in its own migration.
 */
export class AppRoleGrants1764040400001 implements MigrationInterface {
  name = 'AppRoleGrants1764040400001';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`GRANT USAGE ON SCHEMA public TO ${APP_ROLE}`);
    await q.query(
      `GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO ${APP_ROLE}`,
    );
    await q.query(`GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${APP_ROLE}`);
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO ${APP_ROLE}`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public GRANT USAGE, SELECT ON SEQUENCES TO ${APP_ROLE}`,
    );
    for (const table of APPEND_ONLY)
      await q.query(`REVOKE UPDATE, DELETE, TRUNCATE ON ${table} FROM ${APP_ROLE}`);
    await q.query(`REVOKE INSERT, UPDATE, DELETE ON migrations FROM ${APP_ROLE}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON TABLES FROM ${APP_ROLE}`,
    );
    await q.query(
      `ALTER DEFAULT PRIVILEGES IN SCHEMA public REVOKE ALL ON SEQUENCES FROM ${APP_ROLE}`,
    );
    await q.query(`REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${APP_ROLE}`);
    await q.query(`REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${APP_ROLE}`);
    await q.query(`REVOKE USAGE ON SCHEMA public FROM ${APP_ROLE}`);
  }
}
