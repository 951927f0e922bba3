import { auditApi } from '../api/audit';
import {
  auditLeafHash,
  decodeBytes,
  fromHex,
  toHex,
  verifyConsistency,
  verifyInclusion,
  verifyTreeHead,
  type SignedTreeHead,
} from './merkle';
import { openNote, parseCheckpointBody } from './integrity-note';
import { checkWebPolicy, parseWebPolicy } from './integrity-policy';

/** One line of a check's report: each step the browser itself verified, or why it failed. */
export interface Step {
  ok: boolean;
  text: string;
}

export async function checkHead(head: SignedTreeHead, pinned?: string): Promise<Step[]> {
  const sig = await verifyTreeHead(head, pinned);
  return [
    {
      ok: sig.ok,
      text: sig.ok
        ? `Tree head signature valid (Ed25519 via ${sig.via}): ${head.origin ? `log ${head.origin}, ` : ''}${head.treeSize} entries, root ${head.rootHash.slice(0, 16)}…`
        : `Tree head signature INVALID${sig.reason ? `: ${sig.reason}` : ''}`,
    },
  ];
}

/** Proves the log only grew from `earlier` (a head this browser verified before) to `latest`. */
export async function checkConsistency(
  earlier: SignedTreeHead,
  latest: SignedTreeHead,
): Promise<Step[]> {
  const p = await auditApi.consistency(earlier.treeSize, latest.treeSize);
  const ok = verifyConsistency(
    earlier.treeSize,
    latest.treeSize,
    fromHex(earlier.rootHash),
    fromHex(latest.rootHash),
    p.proof.map(decodeBytes),
  );
  return [
    {
      ok,
      text: ok
        ? `Consistency proof valid: the ${earlier.treeSize}-entry log you saw before is a prefix of the ${latest.treeSize}-entry log now (${p.proof.length} hashes)`
        : `Consistency proof FAILED between sizes ${earlier.treeSize} and ${latest.treeSize}: the log was rewritten`,
    },
  ];
}

/** Recomputes the record's leaf hash and proves it is in the signed tree. */
export async function checkInclusion(seq: number, pinned?: string): Promise<Step[]> {
  const [record, proof] = await Promise.all([auditApi.record(seq), auditApi.inclusion(seq)]);
  const steps: Step[] = [];
  const computed = toHex(auditLeafHash(record.leaf));
  steps.push({
    ok: computed === record.leafHash.toLowerCase(),
    text:
      computed === record.leafHash.toLowerCase()
        ? `Leaf hash recomputed from the record: ${computed.slice(0, 16)}…`
        : 'Leaf hash does NOT match the record',
  });
  const mismatches = record.integrity?.mismatches ?? [];
  steps.push({
    ok: mismatches.length === 0,
    text: mismatches.length
      ? `Searchable columns DISAGREE with the leaf (${mismatches.join(', ')}): shown values come from the leaf; search and detection saw doctored columns`
      : 'Searchable columns agree with the leaf (the values shown come from the leaf itself)',
  });
  if (!proof.treeHead)
    return [...steps, { ok: false, text: 'No signed tree head covers this record yet' }];
  steps.push(...(await checkHead(proof.treeHead, pinned)));
  const ok = verifyInclusion(
    seq,
    proof.treeHead.treeSize,
    fromHex(computed),
    proof.proof.map(decodeBytes),
    fromHex(proof.treeHead.rootHash),
  );
  steps.push({
    ok,
    text: ok
      ? `Inclusion proof valid: record #${seq} is in the signed ${proof.treeHead.treeSize}-entry tree (${proof.proof.length} hashes)`
      : `Inclusion proof FAILED for record #${seq}`,
  });
  return steps;
}

/**
 * The public checkpoint (with its witness cosignatures) must meet the policy's quorum and be the
 * head just verified; a policy that does not parse fails the check.
 */
export async function checkQuorum(head: SignedTreeHead, policyText: string): Promise<Step[]> {
  try {
    const policy = parseWebPolicy(policyText);
    const note = await (await fetch('/audit-log/checkpoint')).text();
    const body = parseCheckpointBody(openNote(note).body);
    const { problems, cosigners } = await checkWebPolicy(note, policy);
    if (body.size !== head.treeSize || body.rootHex !== head.rootHash.toLowerCase())
      problems.push(
        `the cosigned checkpoint (${body.size} entries) is not this head (${head.treeSize}): verify again`,
      );
    return problems.length
      ? problems.map((p) => ({ ok: false, text: `Witness policy FAILED: ${p}` }))
      : [
          {
            ok: true,
            text: `Witness quorum "${policy.quorum}" met: cosigned by ${cosigners.join(', ') || 'no witness needed'}`,
          },
        ];
  } catch (error) {
    return [{ ok: false, text: `Witness policy FAILED: ${(error as Error).message}` }];
  }
}
