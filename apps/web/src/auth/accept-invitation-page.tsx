import type { Dto } from '../api/wire';
import { type FormEvent } from 'react';
import { useNavigate, useSearchParams } from 'react-router-dom';
import { api, setAccessToken } from '../api/client';
import type { LoginResponse } from '../api/types';
import { ErrorBox } from '../ui/feedback';
import { useBusyAction } from '../ui/use-busy-action';
import { useFormFields } from '../ui/use-form-fields';
import { AuthScreen } from './auth-screen';

/** Where an invitation link lands: the invitee picks a name and password and is signed in. */
export function AcceptInvitationPage() {
  const [params] = useSearchParams();
  const { values: form, field: set } = useFormFields({
    token: params.get('token') ?? '',
    displayName: '',
    password: '',
  });
  const { busy, error, run } = useBusyAction();
  const navigate = useNavigate();

  function submit(e: FormEvent) {
    e.preventDefault();
    void run(async () => {
      const res = await api.post<LoginResponse>(
        '/auth/invitations/accept',
        form satisfies Dto<'AcceptInvitationDto'>,
      );
      // through the router (not history.replaceState), so the new member lands on their home page
      navigate('/', { replace: true, state: { joined: true } });
      setAccessToken(res.accessToken);
    });
  }

  return (
    <AuthScreen title="Accept invitation" lead="You were invited to join an organisation.">
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
    </AuthScreen>
  );
}
