const TONE: Record<string, string> = {
  active: 'good',
  approved: 'good',
  submitted: 'warn',
  changes_requested: 'warn',
  open: 'warn',
  rejected: 'bad',
  terminated: 'bad',
  expired: 'bad',
  suspended: 'bad',
};

export const StatusTag = ({ status }: { status: string }) => (
  <span className={`tag ${TONE[status] ?? ''}`}>{status.replace(/_/g, ' ')}</span>
);
