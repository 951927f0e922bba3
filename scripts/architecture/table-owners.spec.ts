import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { TABLE_OWNERS } from './table-owners';

/**
 * One owner per table, read from the SQL in the libs: a lib names in a statement only the tables
 * it owns (TABLE_OWNERS), and reads another lib's data through that lib's read port. Migrations
 * are left out (one history for the one database, each migration touching its owner's tables).
 */
const ROOT = join(__dirname, '..', '..');
const LIBS = join(ROOT, 'libs');
const MIGRATIONS = join(LIBS, 'database', 'src', 'migrations');

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return path === MIGRATIONS ? [] : sources(path);
    return /\.tsx?$/.test(e.name) && !e.name.endsWith('.spec.ts') ? [path] : [];
  });
}

/** Comments may name any table ("the gateway's audit_log stream"); only code counts. */
const withoutComments = (text: string): string =>
  text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');

/** A table in the position SQL names one: after FROM, JOIN, INTO, UPDATE, TABLE, REFERENCES, USING. */
const TABLE_REFERENCE =
  /\b(?:from|join|into|update|table|references|using)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi;

/**
 * A string that is a table's name (`['api_keys', id]`, later spliced into SQL). Only names with an
 * underscore: one-word tables (`contracts`, `teams`) are also queue names, subjects and routes.
 */
const TABLE_LITERAL = /['"`]([a-z][a-z0-9]*_[a-z0-9_]*)['"`]/g;

function foreignTables(lib: string, text: string): string[] {
  const code = withoutComments(text);
  const named = [...code.matchAll(TABLE_REFERENCE), ...code.matchAll(TABLE_LITERAL)].map(
    ([, t]) => t,
  );
  return [
    ...new Set(named.filter((t) => Object.hasOwn(TABLE_OWNERS, t) && TABLE_OWNERS[t] !== lib)),
  ];
}

/** The tables the migrations create (by CREATE TABLE, or a helper's `table: '...'`). */
function migratedTables(): Set<string> {
  const out = new Set<string>();
  for (const file of sources(join(LIBS, 'database', 'src')).concat(
    readdirSync(MIGRATIONS).map((f) => join(MIGRATIONS, f)),
  )) {
    const text = readFileSync(file, 'utf8');
    for (const [, t] of text.matchAll(/\bCREATE TABLE (?:IF NOT EXISTS )?"?([a-z_][a-z0-9_]*)/gi))
      out.add(t);
    if (file.startsWith(MIGRATIONS))
      for (const [, t] of text.matchAll(/\btable: '([a-z_][a-z0-9_]*)'/g)) out.add(t);
  }
  return out;
}

/**
 * Entity classes a lib uses of another lib's tables, through TypeORM instead of SQL. Each is a known
 * crossing of an owner (docs/architecture.md, "What the check does not see"); shrink this list.
 */
const ENTITY_CROSSINGS = new Set([
  'auth -> User', // log-in reads users; SCIM and SSO provisioning create and update them
]);

/** Entity class -> owning lib, from each lib's `@Entity` classes. */
function entityOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const lib of readdirSync(LIBS))
    for (const file of sources(join(LIBS, lib))) {
      const text = readFileSync(file, 'utf8');
      for (const [, cls] of text.matchAll(/@Entity\([^)]*\)\s*(?:@[^\n]*\s*)*export class (\w+)/g))
        owners.set(cls, lib);
    }
  return owners;
}

/** `usage_{hourly,daily}` -> usage_hourly, usage_daily. */
const expand = (name: string): string[] => {
  const m = /^(.*)\{([^}]*)\}(.*)$/.exec(name);
  return m ? m[2].split(',').map((part) => `${m[1]}${part}${m[3]}`) : [name];
};

describe('table ownership', () => {
  it('finds a foreign table named in SQL or as a string, and ignores its own tables and comments', () => {
    expect(
      foreignTables(
        'detection',
        `/* reads audit_log */ q(\`SELECT 1 FROM detection_prompt_bands b
           LEFT JOIN
             "organizations" o ON true\`)`,
      ),
    ).toEqual(['organizations']);
    expect(foreignTables('teams', "const [table] = t.teamId ? ['teams'] : ['api_keys'];")).toEqual([
      'api_keys',
    ]);
  });

  it("has no lib naming another lib's table in SQL (read it through the owner's port)", () => {
    const bypasses: string[] = [];
    for (const lib of readdirSync(LIBS))
      for (const file of sources(join(LIBS, lib)))
        for (const table of foreignTables(lib, readFileSync(file, 'utf8')))
          bypasses.push(`${relative(ROOT, file)} names ${table} (owned by ${TABLE_OWNERS[table]})`);
    expect(bypasses).toEqual([]);
  });

  it("uses no other lib's entity class but the known crossings", () => {
    const owners = entityOwners();
    const crossings = new Set<string>();
    for (const lib of readdirSync(LIBS)) {
      // the data source and the test harness assemble every lib's entities
      if (lib === 'database' || lib === 'testing') continue;
      for (const file of sources(join(LIBS, lib)))
        for (const [, names, from] of readFileSync(file, 'utf8').matchAll(
          /import\s*\{([^}]*)\}\s*from\s*'@velvet\/([a-z-]+)'/g,
        ))
          for (const name of names.split(',').map((n) => n.trim()))
            if (from !== lib && owners.get(name) === from) crossings.add(`${lib} -> ${name}`);
    }
    expect([...crossings].sort()).toEqual([...ENTITY_CROSSINGS].sort());
  });

  it('gives every table the migrations create an owner, and owns nothing they do not create', () => {
    const migrated = migratedTables();
    expect({
      withoutOwner: [...migrated].filter((t) => !TABLE_OWNERS[t]).sort(),
      notMigrated: Object.keys(TABLE_OWNERS)
        .filter((t) => !migrated.has(t))
        .sort(),
    }).toEqual({ withoutOwner: [], notMigrated: [] });
  });

  it('is what docs/architecture.md says each lib owns', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'architecture.md'), 'utf8');
    const documented: Record<string, string> = {};
    for (const [, lib, owns] of doc.matchAll(/^\|\s*`([a-z-]+)`\s*\|[^|]*\|([^|]*)\|\s*$/gm))
      for (const [, name] of owns.matchAll(/`([a-z_{},]+)`/g))
        for (const table of expand(name)) documented[table] = lib;
    expect(documented).toEqual(TABLE_OWNERS);
  });
});
