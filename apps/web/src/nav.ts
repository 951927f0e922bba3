import type { AppAbility } from './auth/auth-context';

export interface NavGroup {
  title: string;
  links: { to: string; label: string }[];
}

/** The menu is derived from the same CASL rules the API enforces: what you may not do, you do not see. */
export function navFor(ability: AppAbility, isCustomer: boolean): NavGroup[] {
  const groups: NavGroup[] = [];
  const add = (title: string, links: ({ to: string; label: string } | false)[]) => {
    const shown = links.filter((l): l is { to: string; label: string } => l !== false);
    if (shown.length) groups.push({ title, links: shown });
  };
  if (isCustomer) {
    add('Organisation', [
      ability.can('read', 'Spend') && { to: '/', label: 'Dashboard' },
      ability.can('read', 'Spend') && { to: '/spend', label: 'Spend' },
      ability.can('read', 'Spend') && { to: '/analytics', label: 'Usage analytics' },
      ability.can('create', 'Contract') && { to: '/contracts', label: 'Contracts' },
      ability.can('read', 'ApiKey') && { to: '/keys', label: 'API keys' },
      ability.can('read', 'User') && { to: '/members', label: 'Members' },
      ability.can('read', 'AuditRecord') && { to: '/audit-records', label: 'Premium audit' },
      ability.can('update', 'SsoConnection') && { to: '/sso', label: 'Single sign-on' },
      ability.can('update', 'Budget') && { to: '/teams', label: 'Teams and limits' },
      ability.can('export', 'AuditRecord') && { to: '/receipts', label: 'Receipts' },
    ]);
    return groups;
  }
  add('Accounts', [
    ability.can('review', 'Contract') && { to: '/reviews', label: 'Contract queue' },
    ability.can('review', 'Contract') && { to: '/accounts', label: 'Commitments' },
  ]);
  add('Security', [
    ability.can('manage', 'AlertCase') && { to: '/alerts', label: 'Alert cases' },
    ability.can('export', 'AuditRecord') && { to: '/audit-log', label: 'Audit log' },
    ability.can('read', 'AuditRecord') && { to: '/integrity', label: 'Log integrity' },
    ability.can('export', 'AuditRecord') && { to: '/receipts', label: 'Receipts' },
    ability.can('read', 'AuditRecord') && { to: '/provenance', label: 'Provenance' },
    ability.can('suspend', 'Organization') && { to: '/access', label: 'Access control' },
  ]);
  add('Platform', [
    ability.can('manage', 'Model') && { to: '/catalog', label: 'Model catalog' },
    ability.can('manage', 'UnlockRule') && { to: '/unlock-rules', label: 'Unlock rules' },
    ability.can('manage', 'Staff') && { to: '/staff', label: 'Staff accounts' },
  ]);
  return groups;
}

/** The page's title: the menu entry whose path is the longest prefix of the current one. */
export function titleFor(groups: NavGroup[], pathname: string): string | undefined {
  const matches = groups
    .flatMap((g) => g.links)
    .filter((l) => pathname === l.to || (l.to !== '/' && pathname.startsWith(`${l.to}/`)));
  return matches.sort((a, b) => b.to.length - a.to.length)[0]?.label;
}
