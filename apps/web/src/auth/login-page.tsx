import type { Dto } from '../api/wire';
import { useState, type FormEvent } from 'react';
import { api, sessionExpired, setAccessToken } from '../api/client';
import type { LoginResponse } from '../api/types';
import { ErrorBox, Notice } from '../ui/feedback';
import { useBusyAction } from '../ui/use-busy-action';
import { useFormFields } from '../ui/use-form-fields';
import { SsoSignInLink } from '../org/sso-sign-in-link';
import { AuthScreen } from './auth-screen';
import { useSession } from './auth-context';

/** Sign in, or sign up a new organisation (its first admin). */
export function LoginPage() {
  const { login } = useSession();
  const [mode, setMode] = useState<'login' | 'signup'>('login');
  const { values: form, field: set } = useFormFields({
    email: '',
    password: '',
    organizationName: '',
    displayName: '',
  });
  const { busy, error, run } = useBusyAction();

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      if (mode === 'login') await login(form.email, form.password);
      else
        setAccessToken(
          (await api.post<LoginResponse>('/auth/signup', form satisfies Dto<'SignUpDto'>))
            .accessToken,
        );
    });
  }

  return (
    <AuthScreen title="Sign in" lead="Premium model access, by contract.">
      <form
        onSubmit={submit}
        className="card stack"
        aria-label={mode === 'login' ? 'Sign in' : 'Sign up'}
      >
        {sessionExpired() && <Notice>Your session expired. Sign in again to continue.</Notice>}
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
      {mode === 'login' && <SsoSignInLink />}
    </AuthScreen>
  );
}
