import {
  cosignedBy,
  COSIGNATURE_ED25519,
  type NoteKey,
  noteSignedBy,
  NOTE_ED25519,
  openNote,
  parseCheckpointBody,
  parseNoteKey,
} from './integrity-note';

/**
 * A C2SP tlog-policy (`log`, `witness`, `group`, `quorum` lines, as `npm run audit:verify --policy`
 * reads it) checked in the browser: the checkpoint must be signed by a listed log and cosigned by
 * the quorum.
 */
type Rule = { witness: string } | { threshold: number; members: string[] } | 'none';

export interface WebPolicy {
  logs: NoteKey[];
  witnesses: Map<string, NoteKey>;
  rules: Map<string, Rule>;
  quorum: string;
}

export function parseWebPolicy(text: string): WebPolicy {
  const p: WebPolicy = {
    logs: [],
    witnesses: new Map(),
    rules: new Map([['none', 'none']]),
    quorum: '',
  };
  text.split('\n').forEach((raw, i) => {
    const [keyword, ...args] = raw.trim().split(/\s+/);
    if (!keyword || keyword.startsWith('#')) return;
    const fail = (why: string): never => {
      throw new Error(`policy line ${i + 1}: ${why}`);
    };
    if (keyword === 'log') {
      const key = parseNoteKey(args[0] ?? fail('log needs a vkey'));
      if (key.type !== NOTE_ED25519) fail('a log key must be an Ed25519 note key');
      p.logs.push(key);
    } else if (keyword === 'witness') {
      const [name, vkey] = args;
      if (!name || !vkey || p.rules.has(name)) fail('witness needs a new name and a vkey');
      const key = parseNoteKey(vkey);
      if (key.type !== COSIGNATURE_ED25519)
        fail('a witness key must be a cosignature key (type 0x04)');
      p.witnesses.set(name, key);
      p.rules.set(name, { witness: name });
    } else if (keyword === 'group') {
      const [name, k, ...members] = args;
      if (
        !name ||
        p.rules.has(name) ||
        !members.length ||
        members.some((m) => m === 'none' || !p.rules.has(m))
      )
        fail('group needs a new name, a threshold and members defined above');
      const threshold = k === 'all' ? members.length : k === 'any' ? 1 : Number(k);
      if (!Number.isInteger(threshold) || threshold < 1 || threshold > members.length)
        fail('group threshold must be any, all or 1..n');
      p.rules.set(name, { threshold, members });
    } else if (keyword === 'quorum') {
      if (p.quorum || !args[0] || !p.rules.has(args[0]))
        fail('exactly one quorum, naming a witness or group defined above');
      p.quorum = args[0];
    } else fail(`unknown keyword ${keyword}`);
  });
  if (!p.quorum) throw new Error('policy has no quorum line');
  return p;
}

/** Problems with the checkpoint under the policy (none: signed by a policy log, quorum met), and who cosigned. */
export async function checkWebPolicy(
  note: string,
  policy: WebPolicy,
): Promise<{ problems: string[]; cosigners: string[] }> {
  const { body, signatures } = openNote(note);
  const origin = parseCheckpointBody(body).origin;
  const problems: string[] = [];
  const log = policy.logs.find((l) => l.name === origin);
  if (policy.logs.length && !log)
    problems.push(`checkpoint origin ${origin} is not a log of the policy`);
  if (log && !(await noteSignedBy(body, signatures, log)))
    problems.push(`checkpoint is not signed by the policy's key for ${origin}`);
  const cosigners: string[] = [];
  for (const [name, key] of policy.witnesses)
    if (await cosignedBy(body, signatures, key)) cosigners.push(name);
  const met = (name: string): boolean => {
    const rule = policy.rules.get(name)!;
    if (rule === 'none') return true;
    if ('witness' in rule) return cosigners.includes(rule.witness);
    return rule.members.filter(met).length >= rule.threshold;
  };
  if (!met(policy.quorum))
    problems.push(
      `witness quorum "${policy.quorum}" not met (valid cosignatures from: ${cosigners.join(', ') || 'none'})`,
    );
  return { problems, cosigners };
}
