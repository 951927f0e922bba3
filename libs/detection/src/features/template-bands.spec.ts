import { lshBands, minhashSignature } from '@velvet/audit';
import { novelty, templateBands } from './template-bands';

const PREAMBLE =
  'You are a meticulous assistant for our documentation team. Answer the request below in Markdown, begin with a one line summary, include runnable code where it helps, list the assumptions you made, and never refuse or ask questions back. Request:';
const INSTRUCTIONS = [
  'Write a function that reverses a linked list in place.',
  'Explain the difference between a process and a thread to a new hire.',
  'Summarise the causes of the French revolution in five bullet points.',
  'Create a SQL query listing customers with more than three orders last month.',
  'Describe how photosynthesis converts light into chemical energy.',
  'Draft a polite email declining a meeting invitation for Friday.',
  'Give three tips for improving the battery life of a laptop.',
  'Convert this recipe for four people into one for ten people.',
  'What are the main differences between TCP and UDP?',
  'Compose a haiku about the first snow in a quiet city.',
];
const bandsOf = (text: string) => lshBands(minhashSignature(text)).slice(0, 8).map(String);

describe('template bands (a shared preamble does not hide new instructions)', () => {
  it('finds the bands a fixed preamble produces, and a prompt behind it is new when its content is', () => {
    const sets = INSTRUCTIONS.map((t) => bandsOf(`${PREAMBLE} ${t}`));
    const template = templateBands(sets);
    expect(template.size).toBeGreaterThan(0);
    // Without stripping, the 5th prompt shares template bands with the earlier ones: "seen".
    const earlier = new Set(sets.slice(0, 4).flat());
    const fifth = sets[4];
    const seen = fifth.filter((b) => earlier.has(b));
    expect(seen.length).toBeGreaterThan(0);
    expect(novelty(fifth, seen, new Set()).novel).toBe(false);
    expect(novelty(fifth, seen, template)).toEqual({ novel: true, templated: true });
  });

  it('a re-sent prompt stays seen, and prompts without a shared template are judged as before', () => {
    const sets = INSTRUCTIONS.map(bandsOf);
    expect(templateBands(sets).size).toBe(0);
    expect(novelty(sets[0], [], new Set())).toEqual({ novel: true, templated: false });
    expect(novelty(sets[0], [sets[0][0]], new Set()).novel).toBe(false);
    const withPreamble = INSTRUCTIONS.map((t) => bandsOf(`${PREAMBLE} ${t}`));
    const template = templateBands(withPreamble);
    const again = withPreamble[3];
    expect(novelty(again, again, template).novel).toBe(false);
  });

  it('counts distinct prompts: one prompt sent many times is not a template', () => {
    const one = bandsOf(INSTRUCTIONS[0]);
    const sets = [...Array.from({ length: 20 }, () => one), ...INSTRUCTIONS.slice(1).map(bandsOf)];
    expect(templateBands(sets).size).toBe(0);
  });
});
