import { useState, type FormEvent } from 'react';
import { api, setTokens } from '../api/client';
import type { LoginResponse } from '../api/types';
import { ErrorBox } from '../ui/feedback';
import { useSession } from './auth-context';

/** Sign in, or sign up a new organisation (its first admin). */
export function LoginPage() {
  const { login } = useSession();
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const [form, setForm] = useState({
    email: '',
    password: '',
    organizationName: '',
    displayName: '',
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
      if (mode === 'login') await login(form.email, form.password);
      else setTokens(await api.post<LoginResponse>('/auth/signup', form));
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="login">
      <h1>Velvet Rope</h1>
      <p className="muted">Premium model access, by contract.</p>
      <form
        onSubmit={submit}
        className="card stack"
        aria-label={mode === 'login' ? 'Sign in' : 'Sign up'}
      >
        {mode === 'signup' && (
          <>
            <label>
              Organisation name
              <input value={form.organizationName} onChange={set('organizationName')} required />
            </label>
            <label>
              Your name
              <input value={form.displayName} onChange={set('displayName')} required />
            </label>
          </>
        )}
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            value={form.email}
            onChange={set('email')}
            required
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete={mode === 'login' ? 'current-password' : 'new-password'}
            minLength={mode === 'signup' ? 12 : undefined}
            value={form.password}
            onChange={set('password')}
            required
          />
        </label>
        <ErrorBox error={error} />
        <button type="submit" disabled={busy}>
          {busy ? 'Please wait…' : mode === 'login' ? 'Sign in' : 'Create organisation'}
        </button>
        <button
          type="button"
          className="link"
          onClick={() => setMode(mode === 'login' ? 'signup' : 'login')}
        >
          {mode === 'login' ? 'New here? Sign up your organisation' : 'Have an account? Sign in'}
        </button>
      </form>
    </main>
  );
}
