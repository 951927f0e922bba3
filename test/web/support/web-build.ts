import { execFileSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Builds the web portal into a directory of this suite's own (about a second), so the browser
 * tests always run the current source and parallel suites never overwrite each other's build.
 */
export function buildWeb(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'velvet-web-dist-'));
  execFileSync(
    'npx',
    [
      'vite',
      'build',
      '--config',
      'apps/web/vite.config.mts',
      '--logLevel',
      'error',
      '--outDir',
      outDir,
    ],
    {
      cwd: join(__dirname, '../../..'),
      stdio: 'inherit',
      // jest sets NODE_ENV=test, which would build React's development bundle; test what ships
      env: { ...process.env, NODE_ENV: 'production' },
    },
  );
  return outDir;
}
