import { createHash } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import {
  AUDIT_CHECKED_COLUMNS,
  AUDIT_LEAF_CHECK_BODY,
  AUDIT_LEAF_CONSTRAINT,
  AUDIT_LEAF_FUNCTION,
} from './leaf-check.sql';

const APPEND_ONLY = ['audit_log', 'audit_tree_node', 'audit_tree_head', 'audit_cosignature'];
const EXPECTED_FUNCTION_MD5 = createHash('md5').update(AUDIT_LEAF_CHECK_BODY).digest('hex');
const EXPECTED_CHECK = `CHECK (${AUDIT_LEAF_FUNCTION}(${AUDIT_CHECKED_COLUMNS.join(', ')}))`;

/**
 * What a superuser must change to rewrite a column without its leaf (or to update or delete rows):
 * the leaf CHECK (dropped, replaced, or re-added NOT VALID), its function (replaced), the
 * append-only triggers (disabled). Returns a description of each such change found; empty when
 * the schema is as the migrations left it. Cheap (catalog lookups), so it runs before every head.
 */
export async function schemaProblems(db: Pick<EntityManager, 'query'>): Promise<string[]> {
  const [row] = await db.query(
    `SELECT
       (SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c WHERE c.conrelid = 'audit_log'::regclass AND c.conname = $1) AS check_def,
       (SELECT c.convalidated FROM pg_constraint c WHERE c.conrelid = 'audit_log'::regclass AND c.conname = $1) AS check_valid,
       (SELECT array_agg(md5(p.prosrc)) FROM pg_proc p WHERE p.proname = $2) AS function_md5,
       (SELECT array_agg(t.tgname ORDER BY t.tgname) FROM pg_trigger t
          WHERE t.tgrelid = ANY($3::regclass[]) AND NOT t.tgisinternal AND t.tgenabled <> 'O') AS disabled_triggers,
       (SELECT count(*)::int FROM pg_trigger t WHERE t.tgrelid = ANY($3::regclass[]) AND NOT t.tgisinternal) AS triggers`,
    [AUDIT_LEAF_CONSTRAINT, AUDIT_LEAF_FUNCTION, APPEND_ONLY],
  );
  const problems: string[] = [];
  const checkDef =
    typeof row.check_def === 'string' ? row.check_def.replace(/ NOT VALID$/, '') : null;
  if (checkDef !== EXPECTED_CHECK)
    problems.push(
      `constraint ${AUDIT_LEAF_CONSTRAINT} is ${row.check_def ? 'altered' : 'missing'}`,
    );
  else if (!row.check_valid)
    problems.push(`constraint ${AUDIT_LEAF_CONSTRAINT} is not validated (re-added NOT VALID)`);
  const md5s: string[] = row.function_md5 ?? [];
  if (md5s.length !== 1 || md5s[0] !== EXPECTED_FUNCTION_MD5)
    problems.push(`function ${AUDIT_LEAF_FUNCTION} was replaced`);
  if (row.disabled_triggers?.length)
    problems.push(`append-only triggers disabled: ${row.disabled_triggers.join(', ')}`);
  if (row.triggers !== APPEND_ONLY.length * 2)
    problems.push(`append-only triggers missing (${row.triggers} of ${APPEND_ONLY.length * 2})`);
  return problems;
}
