import { parseCheckpoint } from '../checkpoint/checkpoint';
import {
  COSIGNATURE_ED25519,
  cosignatureBy,
  NOTE_ED25519,
  noteSignedBy,
  openNote,
  parseVkey,
  type VerifierKey,
} from '../checkpoint/signed-note';

/**
 * C2SP tlog-policy (https://c2sp.org/tlog-policy): which logs are trusted, which witnesses exist,
 * and the quorum of cosignatures a checkpoint needs, e.g.
 *
 *     log <vkey> [url]
 *     witness w1 <vkey> [url]
 *     witness w2 <vkey> [url]
 *     group two-of-them 2 w1 w2
 *     quorum two-of-them
 */
export interface Witness {
  name: string;
  key: VerifierKey;
  url?: string;
}

type Rule =
  | { kind: 'witness'; witness: Witness }
  | { kind: 'group'; threshold: number; members: string[] }
  | { kind: 'none' };

export interface TlogPolicy {
  logs: Array<{ key: VerifierKey; url?: string }>;
  witnesses: Witness[];
  quorum: string;
  rules: Map<string, Rule>;
}

export function parsePolicy(text: string): TlogPolicy {
  const policy: TlogPolicy = {
    logs: [],
    witnesses: [],
    quorum: '',
    rules: new Map([['none', { kind: 'none' }]]),
  };
  text.split('\n').forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const [keyword, ...args] = line.split(/[ \t]+/);
    const fail = (why: string): never => {
      throw new Error(`policy line ${i + 1}: ${why}`);
    };
    switch (keyword) {
      case 'log': {
        const key = parseVkey(args[0] ?? fail('log needs a vkey'));
        if (key.type !== NOTE_ED25519) fail('a log key must be an Ed25519 note key');
        policy.logs.push({ key, url: args[1] });
        break;
      }
      case 'witness': {
        const [name, vkey, url] = args;
        if (!name || !vkey || policy.rules.has(name)) fail('witness needs a new name and a vkey');
        const key = parseVkey(vkey);
        if (key.type !== COSIGNATURE_ED25519)
          fail('a witness key must be an Ed25519 cosignature key (type 0x04)');
        const witness = { name, key, url };
        policy.witnesses.push(witness);
        policy.rules.set(name, { kind: 'witness', witness });
        break;
      }
      case 'group': {
        const [name, k, ...members] = args;
        if (!name || policy.rules.has(name) || members.length === 0)
          fail('group needs a new name, a threshold and members');
        if (
          new Set(members).size !== members.length ||
          members.some((m) => m === 'none' || !policy.rules.has(m))
        )
          fail('group members must be defined above, once each');
        const threshold = k === 'all' ? members.length : k === 'any' ? 1 : Number(k);
        if (!Number.isInteger(threshold) || threshold < 1 || threshold > members.length)
          fail('group threshold must be any, all or 1..n');
        policy.rules.set(name, { kind: 'group', threshold, members });
        break;
      }
      case 'quorum':
        if (policy.quorum || !args[0] || !policy.rules.has(args[0]))
          fail('exactly one quorum, naming a witness or group defined above');
        policy.quorum = args[0];
        break;
      default:
        fail(`unknown keyword ${keyword}`);
    }
  });
  if (!policy.quorum) throw new Error('policy has no quorum line');
  return policy;
}

export interface PolicyResult {
  ok: boolean;
  problems: string[];
  /** Witnesses whose valid cosignature the note carries. */
  cosigners: string[];
}

/** Checks a checkpoint note against the policy: signed by a listed log, cosigned by a quorum. */
export function checkPolicy(note: string, policy: TlogPolicy): PolicyResult {
  const problems: string[] = [];
  let body: string;
  let signatures;
  try {
    ({ body, signatures } = openNote(note));
    const origin = parseCheckpoint(body).origin;
    const log = policy.logs.find((l) => l.key.name === origin);
    if (policy.logs.length && !log)
      problems.push(`checkpoint origin ${origin} is not a log of the policy`);
    if (log && !noteSignedBy(body, signatures, log.key))
      problems.push(`checkpoint is not signed by the policy's key for ${origin}`);
  } catch (error) {
    return { ok: false, problems: [`checkpoint: ${(error as Error).message}`], cosigners: [] };
  }
  const cosigners = policy.witnesses
    .filter((w) => cosignatureBy(body, signatures, w.key) !== null)
    .map((w) => w.name);
  const met = (name: string): boolean => {
    const rule = policy.rules.get(name)!;
    if (rule.kind === 'none') return true;
    if (rule.kind === 'witness') return cosigners.includes(rule.witness.name);
    return rule.members.filter(met).length >= rule.threshold;
  };
  if (!met(policy.quorum))
    problems.push(
      `witness quorum "${policy.quorum}" not met (valid cosignatures from: ${cosigners.join(', ') || 'none'})`,
    );
  return { ok: problems.length === 0, problems, cosigners };
}
