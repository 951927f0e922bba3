import { useEffect, useState, type ReactNode } from 'react';
import { NavLink, useLocation } from 'react-router-dom';
import { useAbility, useSession } from '../auth/auth-context';
import { navFor, titleFor } from '../nav';
import { Notice } from './feedback';

export function Layout({ children }: { children: ReactNode }) {
  const { me, logout } = useSession();
  const ability = useAbility();
  const { pathname, state } = useLocation();
  const joined = (state as { joined?: boolean } | null)?.joined;
  const links = navFor(ability, Boolean(me?.organization));
  // under ~900 px the menu is a drawer behind a button; it closes whenever the page changes
  const [menuOpen, setMenuOpen] = useState(false);
  useEffect(() => setMenuOpen(false), [pathname]);
  usePageTitle(titleFor(links, pathname));
  return (
    <div className={menuOpen ? 'shell menu-open' : 'shell'}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand-row">
          <div className="brand">Velvet Rope</div>
          <button
            type="button"
            className="menu-button"
            aria-expanded={menuOpen}
            aria-controls="main-nav"
            onClick={() => setMenuOpen((open) => !open)}
          >
            {menuOpen ? 'Close menu' : 'Menu'}
          </button>
        </div>
        <nav id="main-nav" aria-label="Main">
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
        <main id="main" tabIndex={-1}>
          {joined && me?.organization && (
            <Notice>
              Welcome to {me.organization.name}. The menu shows what your role can open.
            </Notice>
          )}
          {children}
        </main>
      </div>
    </div>
  );
}

/** Each page names itself in the tab and in the history list. */
export function usePageTitle(title: string | undefined): void {
  useEffect(() => {
    document.title = title ? `${title} · Velvet Rope` : 'Velvet Rope';
  }, [title]);
}

export function PageTitle({ children, actions }: { children: ReactNode; actions?: ReactNode }) {
  return (
    <div className="page-title">
      <h1>{children}</h1>
      {actions}
    </div>
  );
}
