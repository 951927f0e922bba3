import { DomainErrorKind, DomainException } from '@velvet/common';
import { usageQueryProblem, type UsageQuery } from '@velvet/metering';
import type { UsageQueryDto } from './usage-query.dto';

const DAY_MS = 86_400_000;
const validDay = (day: string) => new Date(`${day}T00:00:00Z`).toISOString().slice(0, 10) === day;

/** The query a request asks for, with the defaults filled in; 400 for a range that cannot be served. */
export function usageQueryOf(
  organizationId: string,
  dto: UsageQueryDto,
  now = new Date(),
): UsageQuery {
  const to = dto.to ?? now.toISOString().slice(0, 10);
  const from =
    dto.from ?? new Date(Date.parse(`${to}T00:00:00Z`) - 29 * DAY_MS).toISOString().slice(0, 10);
  for (const day of [from, to])
    if (!validDay(day))
      throw new DomainException(
        DomainErrorKind.Invalid,
        'usage_range_invalid',
        `${day} is not a calendar day`,
      );
  const problem = usageQueryProblem({ from, to, granularity: dto.granularity });
  if (problem) throw new DomainException(DomainErrorKind.Invalid, 'usage_range_invalid', problem);
  return {
    organizationId,
    from,
    to,
    granularity: dto.granularity,
    groupBy: dto.groupBy,
    modelId: dto.modelId,
    apiKeyId: dto.apiKeyId,
    teamId: dto.teamId,
  };
}
