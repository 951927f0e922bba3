/**
 * Verifies an audit export offline:
 *   npm run audit:verify -- <export.jsonl> [--public-key <base64 key or note vkey>]
 *       [--trusted-checkpoint <checkpoint saved earlier>] [--policy <tlog-policy file>]
 *       [--receipts <file> --receipt-keys <file from /audit-log/receipt-keys>] [--billing]
 * Needs no database or network; exits 0 when everything verifies, 1 otherwise, 2 on bad usage.
 */
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { billingOf, checkReceipts, type ExportRecordLeaf } from '@velvet/audit';
import { splitReceipts } from '@velvet/audit';
import { verifyExport, type VerifyOptions } from '@velvet/audit';
import { parsePolicy } from '@velvet/audit';

interface Opts {
  publicKey?: string;
  trustedCheckpoint?: string;
  policy?: string;
  receipts?: string;
  receiptKeys?: string;
  billing?: boolean;
}

/** The export's records and log origin, for the receipt and billing checks (the export verifier checked them). */
function recordsOf(text: string): { records: ExportRecordLeaf[]; origin?: string } {
  const lines = text
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
  const head = lines.find((l) => l.type === 'tree_head');
  return {
    records: lines.filter((l) => l.type === 'record') as unknown as ExportRecordLeaf[],
    origin: head?.origin as string | undefined,
  };
}

function main(argv: string[]): number {
  const program = new Command('audit:verify')
    .argument('<export>', 'a JSON-lines export from GET /audit/export')
    .option(
      '--public-key <key>',
      "the log's key: base64 raw Ed25519, or its note verifier key origin+id+key",
    )
    .option(
      '--trusted-checkpoint <file>',
      'a checkpoint you saved earlier: the export must extend it (export with sinceTreeSize=<its size>)',
    )
    .option(
      '--policy <file>',
      'a C2SP tlog-policy file: the head needs a quorum of witness cosignatures',
    )
    .option(
      '--receipts <file>',
      "receipts (x-velvet-receipt values, one a line): each must name a leaf of the verified export (v2: the call's leaf, with the receipt's eventSha256)",
    )
    .option(
      '--receipt-keys <file>',
      'the receipt verifier keys (saved from /audit-log/receipt-keys), one a line',
    )
    .option('--billing', "print what the export's leaves say was charged, per UTC day and currency")
    .exitOverride();
  try {
    program.parse(argv);
  } catch {
    return 2;
  }
  const opts = program.opts<Opts>();
  let text: string;
  let options: VerifyOptions;
  let receipts: string[] = [];
  let receiptKeys: string[] = [];
  try {
    text = readFileSync(program.args[0], 'utf8');
    options = {
      publicKey: opts.publicKey,
      trustedCheckpoint: opts.trustedCheckpoint
        ? readFileSync(opts.trustedCheckpoint, 'utf8')
        : undefined,
      policy: opts.policy ? parsePolicy(readFileSync(opts.policy, 'utf8')) : undefined,
    };
    if (opts.receipts) {
      if (!opts.receiptKeys)
        throw new Error('--receipts needs --receipt-keys (save them from /audit-log/receipt-keys)');
      receipts = splitReceipts(readFileSync(opts.receipts, 'utf8'));
      receiptKeys = splitReceipts(readFileSync(opts.receiptKeys, 'utf8'));
    }
  } catch (error) {
    console.error(`audit:verify: ${(error as Error).message}`);
    return 2;
  }
  const result = verifyExport(text, options);
  for (const w of result.warnings) console.warn(`warning: ${w}`);
  for (const p of result.problems) console.error(`FAIL: ${p}`);
  let ok = result.ok;
  const { records, origin } = recordsOf(text);
  if (opts.receipts) {
    // Receipts only count under a head that verified: inclusion is the export's proofs.
    const r = checkReceipts(receipts, receiptKeys, records, origin);
    for (const p of r.problems) console.error(`FAIL: ${p}`);
    console.log(
      `receipts: ${r.included.length} of ${r.checked} included in the log under the verified tree head`,
    );
    ok &&= r.problems.length === 0;
  }
  if (opts.billing) {
    const b = billingOf(records);
    for (const l of b.billing) {
      console.log(
        `billing ${l.day} ${l.currency}: ${l.calls} premium calls, ${l.inputTokens} input + ${l.outputTokens} output tokens, ${l.costMicros} micros`,
      );
    }
    if (b.unpricedLeaves)
      console.warn(
        `warning: ${b.unpricedLeaves} premium leaves carry no costMicros (written before receipts): not summed`,
      );
  }
  console.log(
    `${ok ? 'OK' : 'TAMPERED OR INVALID'}: ${result.records} records checked against tree head of size ${result.treeSize}` +
      (result.complete
        ? ' (complete export: every seq present, root rebuilt from all leaves)'
        : ' (partial export: inclusion proofs checked)'),
  );
  return ok ? 0 : 1;
}

process.exit(main(process.argv));
