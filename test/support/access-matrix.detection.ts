import { Role } from '@velvet/access';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import type { MatrixRow, OrgFixture } from './access-matrix.table';
import type { RunningPortal } from './portal';

/**
 * Matrix rows for security review: alert cases, risk scores, provenance, detection runs.
 * Security reviewers may do everything, nobody else anything. A case transition succeeds once, and
 * an organisation has one live case at a time, so each transition call takes a fresh case of its
 * own throw-away organisation from a pool made by `prepareDetectionFixtures`.
 */
const reviewer: MatrixRow['allow'] = { [Role.SecurityReviewer]: 'all' };
const pool: string[] = [];
const fixed = new Map<string, string>();
const MISSING = '00000000-0000-4000-8000-0000000000aa';
const fresh = () => pool.shift() ?? MISSING;
const caseOf = (t: OrgFixture) => fixed.get(t.orgId) ?? MISSING;
const AS_OF = '2026-01-01T00:00:00.000Z';

async function insertCase(db: DataSource, organizationId: string): Promise<string> {
  const [row] = await db.query(
    `INSERT INTO alert_cases (organization_id, status, level, risk_score, peak_score, organization_score, drivers, evidence,
                              first_detected_at, last_detected_at)
     VALUES ($1, 'open', 'high', 0.8, 0.8, 0.8, '{volume}', '[]', now(), now()) RETURNING id`,
    [organizationId],
  );
  return row.id;
}

export async function prepareDetectionFixtures(
  portal: RunningPortal,
  orgs: OrgFixture[],
): Promise<void> {
  const db = portal.app.get(DataSource);
  for (const o of orgs) fixed.set(o.orgId, await insertCase(db, o.orgId));
  for (let i = 0; i < 50; i++) {
    const [org] = await db.query(
      `INSERT INTO organizations (name, slug) VALUES ($1, $1) RETURNING id`,
      [`matrix-case-${randomUUID().slice(0, 8)}`],
    );
    pool.push(await insertCase(db, org.id));
  }
}

export const DETECTION_MATRIX: MatrixRow[] = [
  { route: 'GET /security/alert-cases', path: () => '/security/alert-cases', allow: reviewer },
  {
    route: 'GET /security/alert-cases/:id',
    path: (t) => `/security/alert-cases/${caseOf(t)}`,
    allow: reviewer,
  },
  {
    route: 'POST /security/alert-cases/:id/acknowledge',
    path: () => `/security/alert-cases/${fresh()}/acknowledge`,
    body: () => ({}),
    allow: reviewer,
  },
  {
    route: 'POST /security/alert-cases/:id/escalate',
    path: () => `/security/alert-cases/${fresh()}/escalate`,
    body: () => ({ reason: 'Needs a second opinion' }),
    allow: reviewer,
  },
  {
    route: 'POST /security/alert-cases/:id/dismiss',
    path: () => `/security/alert-cases/${fresh()}/dismiss`,
    body: () => ({ reason: 'Known batch workload, agreed' }),
    allow: reviewer,
  },
  {
    route: 'POST /security/alert-cases/:id/resolve',
    path: () => `/security/alert-cases/${fresh()}/resolve`,
    body: () => ({ reason: 'Customer confirmed and remediated' }),
    allow: reviewer,
  },
  {
    route: 'POST /security/alert-cases/:id/throttle',
    path: (t) => `/security/alert-cases/${caseOf(t)}/throttle`,
    body: () => ({ requestsPerMinute: 10, reason: 'Throttle pending review' }),
    allow: reviewer,
  },
  {
    route: 'POST /security/alert-cases/:id/suspend',
    path: (t) => `/security/alert-cases/${caseOf(t)}/suspend`,
    body: () => ({ reason: 'Suspended pending review' }),
    allow: reviewer,
  },
  {
    route: 'POST /security/alert-cases/:id/restore',
    path: (t) => `/security/alert-cases/${caseOf(t)}/restore`,
    body: () => ({ reason: 'Review finished, restored' }),
    allow: reviewer,
  },
  {
    route: 'GET /security/risk-scores',
    path: (t) => `/security/risk-scores?organizationId=${t.orgId}`,
    allow: reviewer,
  },
  {
    route: 'POST /security/provenance',
    path: () => '/security/provenance',
    body: () => ({ text: 'a suspect text of several words' }),
    allow: reviewer,
  },
  {
    route: 'POST /security/detection/runs',
    path: () => '/security/detection/runs',
    body: () => ({ asOf: AS_OF }),
    allow: reviewer,
  },
  {
    route: 'GET /security/detection/runs/:jobId',
    path: () => `/security/detection/runs/run-${AS_OF.replace(/[:.]/g, '-')}`,
    allow: reviewer,
  },
];
