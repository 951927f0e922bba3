import type { Rng } from './random';

/** Words and topics the synthetic prompts are built from. */
export const TOPICS = (
  'photosynthesis tax-law sorting-algorithms roman-history quantum-tunnelling jazz-harmony protein-folding supply-chains ' +
  'volcanoes game-theory compiler-design medieval-poetry orbital-mechanics microeconomics immunology graph-colouring ' +
  'renaissance-art ocean-currents cryptography linguistics plate-tectonics bayesian-statistics operating-systems ' +
  'climate-models marine-biology contract-law number-theory baroque-music urban-planning neural-networks thermodynamics ' +
  'epidemiology behavioural-economics organic-chemistry distributed-consensus ancient-greece glaciology typography ' +
  'astrophysics public-health philosophy-of-mind fluid-dynamics semiconductor-physics monetary-policy cell-biology ' +
  'information-theory volcanology ethics-of-ai soil-science opera-history database-indexing robotics-kinematics'
).split(' ').map((t) => t.replace(/-/g, ' '));

export const TASKS = [
  'Write a detailed essay explaining',
  'Create a rigorous exam question with a worked solution about',
  'Explain to a graduate student',
  'Write a step-by-step tutorial on',
  'Compare three competing theories of',
  'Draft a textbook chapter section on',
  'Generate a challenging multi-step problem about',
  'Give a thorough critique of common misconceptions about',
  'Write a Socratic dialogue exploring',
  'Produce a detailed lesson plan covering',
];

export const CONSTRAINTS = [
  'Use at least three concrete examples.',
  'Include a short quiz at the end.',
  'Write for an expert audience.',
  'Cite the key historical milestones.',
  'Use an analogy from everyday life.',
  'Discuss open research questions.',
  'Add a table summarising the main points.',
  'Address edge cases explicitly.',
];

export const COT = [
  'Think step by step and show your reasoning before the final answer.',
  'Explain your reasoning in detail, then state the final answer.',
  'Reason through this carefully, step by step.',
];

export const WORDS = (
  'account order invoice refund shipping delivery password login error screen update version settings profile payment ' +
  'card plan upgrade cancel subscription email address phone notification report export import sync mobile desktop ' +
  'browser printer network server timeout crash slow missing duplicate charge discount coupon warranty return label ' +
  'tracking package warehouse region language currency tax receipt statement balance transfer limit access team admin'
).split(' ');

export function sentence(rng: Rng, words: number): string {
  return Array.from({ length: words }, () => rng.pick(WORDS)).join(' ');
}

/** An entity list to enumerate: each name used once by a template campaign. */
export function entities(count: number): string[] {
  const a = ['north', 'south', 'east', 'west', 'upper', 'lower', 'great', 'little', 'old', 'new', 'high', 'deep'];
  const b = ['river', 'falls', 'harbor', 'valley', 'ridge', 'crossing', 'meadow', 'forest', 'bay', 'springs', 'haven', 'field'];
  const c = ['alpha', 'beta', 'gamma', 'delta', 'omega', 'sigma', 'kappa', 'theta', 'lambda', 'zeta'];
  const out: string[] = [];
  for (let i = 0; out.length < count; i++) out.push(`${a[i % a.length]} ${b[Math.floor(i / a.length) % b.length]} ${c[Math.floor(i / (a.length * b.length)) % c.length]}`);
  return out;
}
