import { Role } from '@velvet/access';

/** The demo's people. Passwords are for a local demo only and printed at start-up. */
export const DEMO_PASSWORD = 'velvet-demo-password';

export const DEMO_STAFF = [
  { email: 'admin@velvet.example', displayName: 'Pat Platform', role: Role.PlatformAdmin },
  { email: 'am1@velvet.example', displayName: 'Morgan Manager', role: Role.AccountManager },
  { email: 'am2@velvet.example', displayName: 'Casey Countersign', role: Role.AccountManager },
  { email: 'security@velvet.example', displayName: 'Sam Security', role: Role.SecurityReviewer },
] as const;

export const DEMO_ORGANIZATIONS = [
  { name: 'Acme Corp', adminEmail: 'alice@acme.example', adminName: 'Alice Admin', verified: true },
  { name: 'Globex', adminEmail: 'bob@globex.example', adminName: 'Bob Admin', verified: true },
] as const;
