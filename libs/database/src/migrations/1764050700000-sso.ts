import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Single sign-on per organisation. One connection per organisation (OpenID Connect or
 * SAML 2.0), its client secret sealed (AES-256-GCM, never returned), the e-mail domains it claims
 * (verified by provider staff before they count), and one-time login states that bind the
 * browser's round trip to the identity provider (state, nonce, PKCE verifier, SAML request ID).
 */
export class Sso1764050700000 implements MigrationInterface {
  name = 'Sso1764050700000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE sso_connections (
        organization_id uuid PRIMARY KEY REFERENCES organizations(id),
        protocol text NOT NULL CHECK (protocol IN ('oidc', 'saml')),
        enabled boolean NOT NULL DEFAULT true,
        sso_required boolean NOT NULL DEFAULT false,
        issuer text NOT NULL,
        client_id text,
        client_secret_sealed text,
        saml_entry_point text,
        saml_idp_cert text,
        default_role text NOT NULL DEFAULT 'org_member' CHECK (default_role IN ('org_admin', 'org_member')),
        group_roles jsonb NOT NULL DEFAULT '{}'::jsonb,
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT sso_oidc_fields CHECK (protocol <> 'oidc' OR (client_id IS NOT NULL AND client_secret_sealed IS NOT NULL)),
        CONSTRAINT sso_saml_fields CHECK (protocol <> 'saml' OR (saml_entry_point IS NOT NULL AND saml_idp_cert IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE sso_domains (
        domain text PRIMARY KEY CHECK (domain = lower(domain)),
        organization_id uuid NOT NULL REFERENCES organizations(id),
        verified_at timestamptz,
        verified_by uuid REFERENCES users(id),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sso_domains_org_idx ON sso_domains (organization_id)`);
    await q.query(`
      CREATE TABLE sso_login_states (
        state_hash text PRIMARY KEY,
        organization_id uuid NOT NULL REFERENCES organizations(id),
        protocol text NOT NULL,
        nonce text,
        code_verifier text,
        saml_request_id text,
        expires_at timestamptz NOT NULL,
        used_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX sso_login_states_expiry_idx ON sso_login_states (expires_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sso_login_states`);
    await q.query(`DROP TABLE sso_domains`);
    await q.query(`DROP TABLE sso_connections`);
  }
}
