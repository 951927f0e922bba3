import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api, setTokens } from '../api/client';
import type { LoginResponse } from '../api/types';
import { ErrorBox } from '../ui/feedback';

/** Where an invitation link lands: the invitee picks a name and password and is signed in. */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const [form, setForm] = useState({
    token: params.get('token') ?? '',
    displayName: '',
    password: '',
  });
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof form) => (e: { target: { value: string } }) =>
    setForm({ ...form, [k]: e.target.value });

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const res = await api.post<LoginResponse>('/auth/invitations/accept', form);
      window.history.replaceState(null, '', '/app/');
      setTokens({ accessToken: res.accessToken, refreshToken: res.refreshToken });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <h1>Velvet Rope</h1>
      <p className="muted">You were invited to join an organisation.</p>
      <form onSubmit={submit} className="card stack" aria-label="Accept invitation">
        <label>
          Invitation token
          <input value={form.token} onChange={set('token')} required minLength={16} />
        </label>
        <label>
          Your name
          <input value={form.displayName} onChange={set('displayName')} required />
        </label>
        <label>
          Choose a password
          <input
            type="password"
            autoComplete="new-password"
            minLength={12}
            value={form.password}
            onChange={set('password')}
            required
          />
        </label>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          Join organisation
        </button>
      </form>
    </main>
  );
}
