import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * The development prompt corpus (../shared/data/prompts, see its README): real text read at run
 * time, never copied into this repository. Absent (a clone without it), the evaluation says so
 * and stops; unit tests skip.
 */
export interface CorpusRecord {
  text: string;
  source: string;
  kind: 'instruction_synthetic' | 'human_chat' | 'support_message' | 'benchmark_item' | 'code_task';
  input?: string;
  reference?: string;
}

export const CORPUS_KINDS = [
  'instruction_synthetic',
  'human_chat',
  'support_message',
  'benchmark_item',
  'code_task',
] as const;

/** `VELVET_PROMPTS_DIR`, else ../shared/data/prompts beside the repository (where CI checks it out). */
export function corpusDir(): string {
  return (
    process.env.VELVET_PROMPTS_DIR ??
    resolve(__dirname, '..', '..', '..', 'shared', 'data', 'prompts')
  );
}

function findDir(): string | null {
  // Compiled to dist/scripts/traffic, the repository root is one level further up.
  const candidates = [
    corpusDir(),
    resolve(__dirname, '..', '..', '..', '..', 'shared', 'data', 'prompts'),
  ];
  return candidates.find((d) => existsSync(join(d, 'instruction_synthetic.jsonl'))) ?? null;
}

export function loadCorpus(): CorpusRecord[] | null {
  const dir = findDir();
  if (!dir) return null;
  return CORPUS_KINDS.flatMap((kind) =>
    readFileSync(join(dir, `${kind}.jsonl`), 'utf8')
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => JSON.parse(l) as CorpusRecord),
  );
}

export const CORPUS_MISSING =
  'The prompt corpus was not found (set VELVET_PROMPTS_DIR, or check out ../shared/data/prompts beside the repository); nothing to evaluate.';
