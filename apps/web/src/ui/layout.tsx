import type { ReactNode } from 'react';
import { NavLink } from 'react-router-dom';
import { useAbility, useSession } from '../auth/auth-context';
import { navFor } from '../nav';

export function Layout({ children }: { children: ReactNode }) {
  const { me, logout } = useSession();
  const ability = useAbility();
  const links = navFor(ability, Boolean(me?.organization));
  return (
    <div className="shell">
      <aside className="sidebar">
        <div className="brand">Velvet Rope</div>
        <nav aria-label="Main">
          {links.map((group) => (
            <div key={group.title} className="nav-group">
              <div className="nav-title">{group.title}</div>
              {group.links.map((l) => (
                <NavLink key={l.to} to={l.to} end={l.to === '/'}>
                  {l.label}
                </NavLink>
              ))}
            </div>
          ))}
        </nav>
      </aside>
      <div className="content">
        <header className="topbar">
          <span>
            {me?.organization ? (
              <strong>{me.organization.name}</strong>
            ) : (
              <strong>Provider staff</strong>
            )}{' '}
            · {me?.user.displayName} ({me?.user.role.replace('_', ' ')})
          </span>
          <button type="button" className="link" onClick={() => void logout()}>
            Sign out
          </button>
        </header>
        <main>{children}</main>
      </div>
    </div>
  );
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions}
    </div>
  );
}
