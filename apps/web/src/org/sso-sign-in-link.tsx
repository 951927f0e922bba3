import { useState, type FormEvent } from 'react';

/**
 * "Use single sign-on": a full-page navigation to the API, which sends the browser to the
 * organisation's identity provider; it comes back with the refresh cookie and the portal restores
 * the session from it, as after a reload.
 */
export function SsoSignInLink() {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  function submit(e: FormEvent) {
    e.preventDefault();
    window.location.assign(`/auth/sso/start?email=${encodeURIComponent(email)}`);
  }
  if (!open)
    return (
      <button type="button" className="link" onClick={() => setOpen(true)}>
        Use single sign-on (SSO)
      </button>
    );
  return (
    <form onSubmit={submit} className="card stack" aria-label="Single sign-on">
      <label>
        Work email
        <input
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
      </label>
      <button type="submit">Continue to your identity provider</button>
    </form>
  );
}
