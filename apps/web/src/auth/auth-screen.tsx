import type { ReactNode } from 'react';
import { usePageTitle } from '../ui/layout';

/** The signed-out frame around the sign-in and accept-invitation forms. */
export function AuthScreen({
  lead,
  title,
  children,
}: {
  lead: string;
  /** The browser tab's title, distinct per screen. */
  title: string;
  children: ReactNode;
}) {
  usePageTitle(title);
  return (
    <main className="login">
      <h1>Velvet Rope</h1>
      <p className="muted">{lead}</p>
      {children}
    </main>
  );
}
