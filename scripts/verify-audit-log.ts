/**
 * Verifies an audit export offline:
 *   npm run audit:verify -- <export.jsonl> [--public-key <base64 key or note vkey>]
 *       [--trusted-checkpoint <checkpoint saved earlier>] [--policy <tlog-policy file>]
 * Needs no database or network; exits 0 when everything verifies, 1 otherwise, 2 on bad usage.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { verifyExport, type VerifyOptions } from '../libs/audit/src/verify/export-verifier';
import { parsePolicy } from '../libs/audit/src/witness/policy';

function main(argv: string[]): number {
  const program = new Command('audit:verify')
    .argument('<export>', 'a JSON-lines export from GET /audit/export')
    .option('--public-key <key>', "the log's key: base64 raw Ed25519, or its note verifier key origin+id+key")
    .option('--trusted-checkpoint <file>', 'a checkpoint you saved earlier: the export must extend it (export with sinceTreeSize=<its size>)')
    .option('--policy <file>', 'a C2SP tlog-policy file: the head needs a quorum of witness cosignatures')
    .exitOverride();
  try {
    program.parse(argv);
  } catch {
    return 2;
  }
  const opts = program.opts<{ publicKey?: string; trustedCheckpoint?: string; policy?: string }>();
  let text: string;
  let options: VerifyOptions;
  try {
    text = readFileSync(program.args[0], 'utf8');
    options = {
      publicKey: opts.publicKey,
      trustedCheckpoint: opts.trustedCheckpoint ? readFileSync(opts.trustedCheckpoint, 'utf8') : undefined,
      policy: opts.policy ? parsePolicy(readFileSync(opts.policy, 'utf8')) : undefined,
    };
  } catch (error) {
    console.error(`audit:verify: ${(error as Error).message}`);
    return 2;
  }
  const result = verifyExport(text, options);
  for (const w of result.warnings) console.warn(`warning: ${w}`);
  for (const p of result.problems) console.error(`FAIL: ${p}`);
  console.log(
    `${result.ok ? 'OK' : 'TAMPERED OR INVALID'}: ${result.records} records checked against tree head of size ${result.treeSize}` +
      (result.complete ? ' (complete export: every seq present, root rebuilt from all leaves)' : ' (partial export: inclusion proofs checked)'),
  );
  return result.ok ? 0 : 1;
}

process.exit(main(process.argv));
