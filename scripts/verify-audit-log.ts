/**
 * Verifies an audit export offline: `npm run audit:verify -- <export.jsonl> [--public-key <base64>]`.
 * Needs no database or network; exits 0 when everything verifies, 1 otherwise.
 */
import { readFileSync } from 'node:fs';
import { verifyExport } from '../libs/audit/src/verify/export-verifier';

function main(argv: string[]): number {
  const args = argv.slice(2);
  const keyAt = args.indexOf('--public-key');
  const publicKey = keyAt >= 0 ? args[keyAt + 1] : undefined;
  const file = args.find((a, i) => !a.startsWith('--') && (keyAt < 0 || i !== keyAt + 1));
  if (!file) {
    console.error('usage: npm run audit:verify -- <export.jsonl> [--public-key <base64 Ed25519 key>]');
    return 2;
  }
  const result = verifyExport(readFileSync(file, 'utf8'), { publicKey });
  for (const w of result.warnings) console.warn(`warning: ${w}`);
  for (const p of result.problems) console.error(`FAIL: ${p}`);
  console.log(
    `${result.ok ? 'OK' : 'TAMPERED OR INVALID'}: ${result.records} records checked against tree head of size ${result.treeSize}` +
      (result.complete ? ' (complete export: root rebuilt from all leaves)' : ' (partial export: inclusion proofs checked)'),
  );
  return result.ok ? 0 : 1;
}

process.exit(main(process.argv));
