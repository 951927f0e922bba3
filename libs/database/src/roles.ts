import { Client } from 'pg';

/**
 * Least privilege: migrations run as the owner role, which owns every table; the apps connect as
 * the app role, which may read and write the product's tables but only INSERT and SELECT the
 * audit log, its tree nodes and its signed heads (migration 1764040400001-app-role-grants). Not
 * owning a table, the app role cannot ALTER it, so it cannot disable the append-only triggers.
 * Roles are cluster-wide, so every database of the server (dev, tests, benchmarks) shares them.
 */
export const OWNER_ROLE = 'velvet_owner';
export const APP_ROLE = 'velvet_app';

const quoteLiteral = (s: string) => `'${s.replace(/'/g, "''")}'`;

/** The same server and database as `url`, as another user (and password, when given). */
export function urlAs(url: string, user: string, password?: string): string {
  const u = new URL(url);
  u.username = encodeURIComponent(user);
  u.password = password ? encodeURIComponent(password) : '';
  return u.toString();
}

/**
 * Creates the owner and app roles unless they exist, with the given passwords (none: the server's
 * own authentication, e.g. trust on a developer's loopback). Needs a superuser or CREATEROLE; safe
 * when several callers race (a duplicate is ignored).
 */
export async function ensureRoles(
  adminUrl: string,
  passwords: { owner?: string; app?: string } = {},
): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    for (const [role, password] of [
      [OWNER_ROLE, passwords.owner],
      [APP_ROLE, passwords.app],
    ] as const) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [role]);
      if (!rowCount) {
        // NOSUPERUSER NOCREATEROLE NOBYPASSRLS: neither role can lift the log's protections.
        await client
          .query(`CREATE ROLE ${role} LOGIN NOSUPERUSER NOCREATEROLE NOBYPASSRLS`)
          .catch((e: { code?: string }) => {
            if (e.code !== '42710' && e.code !== '23505') throw e;
          });
      }
      if (password) await client.query(`ALTER ROLE ${role} PASSWORD ${quoteLiteral(password)}`);
    }
  } finally {
    await client.end();
  }
}

/** Whether the user of `url` may create roles (a superuser or CREATEROLE). */
export async function canCreateRoles(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT rolsuper OR rolcreaterole AS can FROM pg_roles WHERE rolname = current_user',
    );
    return rows[0]?.can === true;
  } finally {
    await client.end();
  }
}

/**
 * Hands an existing database (one made before the role split, owned by a superuser) to the owner
 * role: the database, and every table, sequence and function of its public schema.
 */
export async function transferOwnership(
  adminUrlOfDatabase: string,
  database: string,
): Promise<void> {
  const client = new Client({ connectionString: adminUrlOfDatabase });
  await client.connect();
  try {
    await client.query(`ALTER DATABASE "${database.replace(/"/g, '""')}" OWNER TO ${OWNER_ROLE}`);
    await client.query(`
      DO $$ DECLARE r record; BEGIN
        FOR r IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                  WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p', 'S', 'v', 'm')
                    AND pg_get_userbyid(c.relowner) <> '${OWNER_ROLE}'
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype IN ('a', 'i'))
        LOOP
          EXECUTE format('ALTER %s public.%I OWNER TO ${OWNER_ROLE}',
            CASE r.relkind WHEN 'S' THEN 'SEQUENCE' WHEN 'v' THEN 'VIEW' WHEN 'm' THEN 'MATERIALIZED VIEW' ELSE 'TABLE' END, r.relname);
        END LOOP;
        FOR r IN SELECT p.oid::regprocedure AS fn FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                  WHERE n.nspname = 'public' AND pg_get_userbyid(p.proowner) <> '${OWNER_ROLE}'
                    AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
        LOOP
          EXECUTE format('ALTER FUNCTION %s OWNER TO ${OWNER_ROLE}', r.fn);
        END LOOP;
      END $$`);
  } finally {
    await client.end();
  }
}
