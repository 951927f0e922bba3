import type { ReactNode } from 'react';

/** The signed-out frame around the sign-in and accept-invitation forms. */
export function AuthScreen({ lead, children }: { lead: string; children: ReactNode }) {
  return (
    <main className="login">
      <h1>Velvet Rope</h1>
      <p className="muted">{lead}</p>
      {children}
    </main>
  );
}
