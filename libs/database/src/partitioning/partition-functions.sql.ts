import { APP_ROLE } from '../roles';

/**
 * Partition upkeep as SECURITY DEFINER functions of the owner role: the app role has no DDL, yet
 * its maintenance job must create next month's partitions and drop expired ones. The functions act
 * only on the tables registered in history_partitioning, never on a name the caller makes up.
 */
export const PARTITION_FUNCTIONS_SQL = [
  `CREATE TABLE history_partitioning (
     parent text PRIMARY KEY,
     partition_column text NOT NULL,
     -- partitions whose range ended longer ago than this are dropped; NULL keeps everything
     retention interval
   )`,
  `REVOKE INSERT, UPDATE, DELETE ON history_partitioning FROM ${APP_ROLE}`,
  `CREATE FUNCTION velvet_partition_ensure(p_parent text, p_month timestamptz) RETURNS boolean
   LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
   DECLARE
     col text;
     lo timestamptz := date_trunc('month', p_month, 'UTC');
     hi timestamptz := date_trunc('month', p_month, 'UTC') + interval '1 month';
     part text := p_parent || '_p' || to_char(date_trunc('month', p_month, 'UTC') AT TIME ZONE 'UTC', 'YYYYMM');
     def text := p_parent || '_default';
   BEGIN
     SELECT partition_column INTO col FROM history_partitioning WHERE parent = p_parent;
     IF col IS NULL THEN RAISE EXCEPTION 'not a partitioned history table: %', p_parent; END IF;
     PERFORM pg_advisory_xact_lock(hashtext('velvet_partition:' || p_parent));
     IF to_regclass(part) IS NOT NULL THEN RETURN false; END IF;
     -- rows of that month that landed in DEFAULT move into the new partition, which ATTACH requires
     EXECUTE format('LOCK TABLE %I IN ACCESS EXCLUSIVE MODE', def);
     EXECUTE format('CREATE TABLE %I (LIKE %I INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, p_parent);
     EXECUTE format('WITH moved AS (DELETE FROM %I WHERE %I >= $1 AND %I < $2 RETURNING *) INSERT INTO %I SELECT * FROM moved', def, col, col, part)
       USING lo, hi;
     EXECUTE format('ALTER TABLE %I ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', p_parent, part, lo, hi);
     RETURN true;
   END $$`,
  `CREATE FUNCTION velvet_partitions_maintain(p_months_ahead int DEFAULT 3) RETURNS TABLE (parent text, action text, partition_name text)
   LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
   DECLARE
     r record;
     m timestamptz;
     p record;
   BEGIN
     FOR r IN SELECT h.parent, h.partition_column, h.retention FROM history_partitioning h ORDER BY h.parent LOOP
       PERFORM pg_advisory_xact_lock(hashtext('velvet_partition:' || r.parent));
       FOR i IN 0..p_months_ahead LOOP
         m := now() + make_interval(months => i);
         IF velvet_partition_ensure(r.parent, m) THEN
           parent := r.parent; action := 'created'; partition_name := r.parent || '_p' || to_char(date_trunc('month', m, 'UTC') AT TIME ZONE 'UTC', 'YYYYMM');
           RETURN NEXT;
         END IF;
       END LOOP;
       -- rows outside every partition (simulated or late timestamps) get their month's partition
       FOR m IN EXECUTE format('SELECT DISTINCT date_trunc(''month'', %I, ''UTC'') FROM %I', r.partition_column, r.parent || '_default') LOOP
         IF velvet_partition_ensure(r.parent, m) THEN
           parent := r.parent; action := 'created'; partition_name := r.parent || '_p' || to_char(m AT TIME ZONE 'UTC', 'YYYYMM');
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
   END $$`,
  `REVOKE ALL ON FUNCTION velvet_partition_ensure(text, timestamptz) FROM PUBLIC`,
  `REVOKE ALL ON FUNCTION velvet_partitions_maintain(int) FROM PUBLIC`,
  `GRANT EXECUTE ON FUNCTION velvet_partitions_maintain(int) TO ${APP_ROLE}`,
];
