import { useQuery } from '@tanstack/react-query';
import { securityApi } from '../api/security';
import { formatDateTime } from '../ui/format';

/** Whether the organisation's premium access is suspended now, and since when / why. */
export function SuspensionState({ orgId }: { orgId: string }) {
  const list = useQuery({
    queryKey: ['suspensions', orgId],
    queryFn: () => securityApi.suspensions(orgId),
  });
  const open = (list.data ?? []).find((s) => !s.restoredAt);
  if (list.isPending) return null;
  return open ? (
    <p role="status">
      <span className="tag bad">premium suspended</span> since {formatDateTime(open.suspendedAt)}: “
      {open.reason}”
    </p>
  ) : (
    <p role="status">
      <span className="tag good">premium not suspended</span>
    </p>
  );
}
