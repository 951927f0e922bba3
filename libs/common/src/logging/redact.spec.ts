import fc from 'fast-check';
import { pathOnly, safeError, scrubSecrets } from './redact';

describe('log redaction', () => {
  it('scrubs e-mail addresses, hashes, JWTs, API keys and tokens', () => {
    const line = [
      'bob@globex.example',
      '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA',
      'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2ln',
      'vr_abcdef123456_' + 'A'.repeat(43),
      'f'.repeat(64),
      'Zq'.repeat(22),
    ].join(' ');
    expect(scrubSecrets(line)).toBe('[email] [hash] [jwt] [api-key] [digest] [token]');
    // ids and paths stay readable
    expect(scrubSecrets('/contracts/4ad40bff-d512-4998-9215-1b31c47f9580/approve')).toBe(
      '/contracts/4ad40bff-d512-4998-9215-1b31c47f9580/approve',
    );
  });

  it('keeps only the SQLSTATE and names of a failed query, never its parameters or message', () => {
    const err = Object.assign(new Error('duplicate key value (email)=(bob@globex.example)'), {
      name: 'QueryFailedError',
      query: 'INSERT INTO users ...',
      parameters: ['bob@globex.example', '$argon2id$v=19$x'],
      driverError: {
        code: '23505',
        constraint: 'users_email_key',
        table: 'users',
        detail: 'Key (email)=(bob@globex.example)',
      },
    });
    expect(safeError(err)).toEqual({
      type: 'QueryFailedError',
      sqlstate: '23505',
      constraint: 'users_email_key',
      table: 'users',
      column: undefined,
    });
  });

  it('logs paths without their query strings', () => {
    expect(pathOnly('/staff?email=a@b.example&x=1')).toBe('/staff');
  });

  it('logs at most 512 characters of a path', () => {
    expect(pathOnly(`${'/x'.repeat(10_000)}?q=1`)).toBe(`${'/x'.repeat(256)}…`);
  });

  it('scrubs e-mail addresses as the pattern without its look-behind did', () => {
    // The look-behind only keeps the search from starting inside a run, where no match starts.
    const before = /[^\s"'<>()\\,;:@]+@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)+/g;
    const alphabet = fc.constantFrom(
      'a',
      'Z',
      '0',
      '-',
      '.',
      '@',
      ' ',
      '"',
      ',',
      ':',
      '(',
      '\\',
      'é',
    );
    fc.assert(
      fc.property(fc.array(alphabet, { maxLength: 60 }), (chars) => {
        const text = chars.join('');
        expect(scrubSecrets(text)).toBe(scrubSecrets(text.replace(before, '[email]')));
      }),
      { numRuns: 2000 },
    );
  });

  it('scrubs a line of 200,000 characters without an @ (each would rescan the run)', () => {
    const line = `${'a.'.repeat(100_000)}!`;
    expect(scrubSecrets(line)).toBe(line);
    expect(scrubSecrets(`${'x'.repeat(100_000)}@globex.example`)).toBe('[email]');
  });
});
