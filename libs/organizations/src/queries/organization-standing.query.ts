import type { EntityManager } from 'typeorm';

export interface OrganizationStanding {
  status: string;
  verified: boolean;
  createdAt: Date;
}

/** An organisation's status, verification and age (null when it does not exist): the read port for other libs. */
export async function organizationStanding(
  em: EntityManager,
  organizationId: string,
): Promise<OrganizationStanding | null> {
  const [row] = await em.query(
    `SELECT status, verified, created_at FROM organizations WHERE id = $1`,
    [organizationId],
  );
  return row
    ? { status: row.status, verified: row.verified, createdAt: new Date(row.created_at) }
    : null;
}
