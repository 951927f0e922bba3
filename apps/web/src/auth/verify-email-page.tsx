import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { api } from '../api/client';
import { ErrorBox, Notice } from '../ui/feedback';
import { useBusyAction } from '../ui/use-busy-action';
import { AuthScreen } from './auth-screen';

/**
 * Where the confirmation link lands. Confirming takes a click (not the page load), so a mail
 * scanner that opens links confirms nothing.
 */
export function VerifyEmailPage() {
  const [params] = useSearchParams();
  const [done, setDone] = useState(false);
  const { busy, error, run } = useBusyAction();
  const client = useQueryClient();

  function confirm() {
    void run(async () => {
      await api.post('/auth/verify-email', { token: params.get('token') ?? '' });
      setDone(true);
      await client.invalidateQueries({ queryKey: ['me'] });
    });
  }

  return (
    <AuthScreen title="Confirm e-mail" lead="Confirm your e-mail address.">
      {done ? (
        <Notice>
          Address confirmed. <a href="/app/keys">Go to API keys</a>
        </Notice>
      ) : (
        <button type="button" onClick={confirm} disabled={busy}>
          Confirm my address
        </button>
      )}
      <ErrorBox error={error} />
    </AuthScreen>
  );
}
