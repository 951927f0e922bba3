import { APP_ROLE } from '../roles';
import { PARTITION_FUNCTIONS_SQL } from './partition-functions.sql';

/**
 * Partition upkeep with a width per table: 'month' (as before) or 'day'. A daily table is one
 * whose per-partition index must stay small for the writer (audit_completion_bands: a GIN the
 * writer inserts 32 random keys a call into). Same SECURITY DEFINER contract as
 * PARTITION_FUNCTIONS_SQL: only tables registered in history_partitioning. Partitions are named
 * `<parent>_pYYYYMM` (month) or `<parent>_pYYYYMMDD` (day); bounds are UTC midnights (the functions
 * run with TimeZone UTC, so a day is 24 hours whatever the caller's zone).
 * Ahead of time: p_months_ahead months of monthly partitions, DAYS_AHEAD days of daily ones (the
 * worker runs the upkeep hourly, so a week leaves room for a stopped worker).
 */
const DAYS_AHEAD = 7;
const COVER_LIMIT = 400;

const ENSURE = `CREATE OR REPLACE FUNCTION velvet_partition_ensure(p_parent text, p_month timestamptz) RETURNS boolean
   LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
   DECLARE
     -- p_month: any instant of the partition's range (a month or a day, as the table is registered)
     col text;
     width text;
     lo timestamptz;
     hi timestamptz;
     part text;
     def text := p_parent || '_default';
     priv text;
   BEGIN
     SELECT partition_column, partition_width INTO col, width FROM history_partitioning WHERE parent = p_parent;
     IF col IS NULL THEN RAISE EXCEPTION 'not a partitioned history table: %', p_parent; END IF;
     lo := date_trunc(width, p_month);
     hi := lo + ('1 ' || width)::interval;
     part := p_parent || '_p' || to_char(lo, CASE width WHEN 'day' THEN 'YYYYMMDD' ELSE 'YYYYMM' END);
     PERFORM pg_advisory_xact_lock(hashtext('velvet_partition:' || p_parent));
     IF to_regclass(part) IS NOT NULL THEN RETURN false; END IF;
     -- rows of that range that landed in DEFAULT move into the new partition, which ATTACH requires
     EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', def);
     EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, p_parent);
     EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved', def, col, col, part)
       USING lo, hi;
     EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', p_parent, part, lo, hi);
     -- The app role gets on the partition exactly what it has on the parent. Default privileges
     -- would give it UPDATE and DELETE, which an append-only parent revokes: a row could then be
     -- changed through its partition's own name.
     EXECUTE format('REVOKE ALL ON %I FROM ${APP_ROLE}', part);
     FOREACH priv IN ARRAY ARRAY['SELECT', 'INSERT', 'UPDATE', 'DELETE'] LOOP
       IF has_table_privilege('${APP_ROLE}', p_parent, priv) THEN
         EXECUTE format('GRANT %s ON %I TO ${APP_ROLE}', priv, part);
       END IF;
     END LOOP;
     RETURN true;
   END $$`;

const MAINTAIN = `CREATE OR REPLACE FUNCTION velvet_partitions_maintain(p_months_ahead int DEFAULT 3) RETURNS TABLE (parent text, action text, partition_name text)
   LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
   DECLARE
     r record;
     m timestamptz;
     p record;
     fmt text;
     ahead int;
   BEGIN
     FOR r IN SELECT h.parent, h.partition_column, h.partition_width, h.retention FROM history_partitioning h ORDER BY h.parent LOOP
       PERFORM pg_advisory_xact_lock(hashtext('velvet_partition:' || r.parent));
       fmt := CASE r.partition_width WHEN 'day' THEN 'YYYYMMDD' ELSE 'YYYYMM' END;
       ahead := CASE r.partition_width WHEN 'day' THEN ${DAYS_AHEAD} ELSE p_months_ahead END;
       FOR i IN 0..ahead LOOP
         m := now() + ('1 ' || r.partition_width)::interval * i;
         IF velvet_partition_ensure(r.parent, m) THEN
           parent := r.parent; action := 'created'; partition_name := r.parent || '_p' || to_char(date_trunc(r.partition_width, m), fmt);
           RETURN NEXT;
         END IF;
       END LOOP;
       -- rows outside every partition (simulated or late timestamps) get their range's partition
       FOR m IN EXECUTE format('SELECT DISTINCT date_trunc(%L, %I) FROM %I', r.partition_width, r.partition_column, r.parent || '_default') LOOP
         IF velvet_partition_ensure(r.parent, m) THEN
           parent := r.parent; action := 'created'; partition_name := r.parent || '_p' || to_char(m, fmt);
           RETURN NEXT;
         END IF;
       END LOOP;
       IF r.retention IS NOT NULL THEN
         FOR p IN
           SELECT c.relname,
                  (regexp_match(pg_get_expr(c.relpartbound, c.oid), 'TO \\(''([^'']+)''\\)'))[1]::timestamptz AS upper_bound
             FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = r.parent::regclass
         LOOP
           IF p.upper_bound IS NOT NULL AND p.upper_bound <= now() - r.retention THEN
             EXECUTE format('DROP TABLE %I', p.relname);
             parent := r.parent; action := 'dropped'; partition_name := p.relname;
             RETURN NEXT;
           END IF;
         END LOOP;
       END IF;
     END LOOP;
   END $$`;

/**
 * Partitions for every range from p_from to p_to of a registered table, for a writer about to
 * insert rows of past days (the history synthesis, an import): they go straight into their
 * partitions instead of through DEFAULT. Gives the app role nothing new (a row of any date in
 * DEFAULT and the upkeep make the same partition); capped so one call cannot make thousands.
 */
const COVER = `CREATE FUNCTION velvet_partitions_cover(p_parent text, p_from timestamptz, p_to timestamptz) RETURNS int
   LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp SET TimeZone = 'UTC' AS $$
   DECLARE
     width text;
     m timestamptz;
     asked int := 0;
     made int := 0;
   BEGIN
     SELECT partition_width INTO width FROM history_partitioning WHERE parent = p_parent;
     IF width IS NULL THEN RAISE EXCEPTION 'not a partitioned history table: %', p_parent; END IF;
     m := date_trunc(width, p_from);
     WHILE m <= p_to LOOP
       asked := asked + 1;
       IF asked > ${COVER_LIMIT} THEN RAISE EXCEPTION 'more than ${COVER_LIMIT} partitions of % asked for', p_parent; END IF;
       IF velvet_partition_ensure(p_parent, m) THEN made := made + 1; END IF;
       m := m + ('1 ' || width)::interval;
     END LOOP;
     RETURN made;
   END $$`;

export const PARTITION_WIDTH_SQL = [
  `ALTER TABLE history_partitioning ADD COLUMN partition_width text NOT NULL DEFAULT 'month' CHECK (partition_width IN ('month', 'day'))`,
  // replaced in place (same signatures: grants kept; p_month keeps its name, a replaced function cannot rename it)
  ENSURE,
  MAINTAIN,
  COVER,
  `REVOKE ALL ON FUNCTION velvet_partitions_cover(text, timestamptz, timestamptz) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION velvet_partitions_cover(text, timestamptz, timestamptz) TO ${APP_ROLE}`,
];

/** The monthly-only functions of PARTITION_FUNCTIONS_SQL back in place (a migration's down). */
export const PARTITION_WIDTH_DOWN_SQL = [
  `DROP FUNCTION velvet_partitions_cover(text, timestamptz, timestamptz)`,
  ...PARTITION_FUNCTIONS_SQL.filter((sql) => sql.startsWith('CREATE FUNCTION')).map((sql) =>
    sql.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'),
  ),
  `ALTER TABLE history_partitioning DROP COLUMN partition_width`,
];
