import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';

/** The three sizes every signed-in page is checked at: a phone, a tablet, a desktop. */
export const VIEWPORTS = [
  { name: 'phone', width: 390, height: 844 },
  { name: 'tablet', width: 768, height: 1024 },
  { name: 'desktop', width: 1920, height: 1080 },
] as const;

const AXE_SOURCE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[]; failureSummary?: string }[];
}

/**
 * axe-core on the page as it is now, every impact level. Injected through the devtools protocol
 * (page.evaluate), which the page's strict CSP does not govern, so the portal's CSP stays untouched.
 */
export async function axeViolations(page: Page, rules?: readonly string[]): Promise<string[]> {
  // the page's own globals, typed here (the test project has no DOM library)
  const options = rules
    ? { resultTypes: ['violations'], runOnly: { type: 'rule', values: rules } }
    : { resultTypes: ['violations'] };
  const violations = await page.evaluate(
    async ([source, opts]) => {
      const w = globalThis as unknown as {
        axe?: { run(ctx: unknown, opts: object): Promise<{ violations: AxeViolation[] }> };
        document: unknown;
      };
      if (!w.axe) new Function(source)();
      const result = await w.axe!.run(w.document, opts);
      return result.violations;
    },
    [AXE_SOURCE, options] as const,
  );
  return violations.map(
    (v) =>
      `${v.id} (${v.impact}): ${v.help} at ${v.nodes
        .slice(0, 3)
        .map((n) => n.target.join(' '))
        .join(', ')}`,
  );
}

/** The document's scroll width: wider than the viewport means the page scrolls sideways. */
const scrollWidth = (page: Page) => page.evaluate<number>('document.scrollingElement.scrollWidth');

/** The innermost elements reaching past the viewport's right edge, to say what overflows. */
const WIDEST = `(width) => [...document.querySelectorAll('body *')]
  .filter((e) => e.getBoundingClientRect().right > width &&
    ![...e.children].some((c) => c.getBoundingClientRect().right > width))
  .slice(0, 3)
  .map((e) => e.tagName.toLowerCase() + '.' + String(e.className).replace(/ /g, '.') +
    ' ' + Math.round(e.getBoundingClientRect().right) + 'px')
  .join(', ')`;
const widest = (page: Page, width: number) => page.evaluate<string>(`(${WIDEST})(${width})`);

/**
 * The dark scheme (`prefers-color-scheme: dark`) changes only colours (CSS variables), never the
 * DOM or the layout: in it, the axe rules that judge colours run again; everything else was
 * checked in the light scheme on the same DOM. Half the cost of a second full run.
 */
const COLOUR_RULES = ['color-contrast', 'link-in-text-block'] as const;
/**
 * At one size: the narrow layouts' menu bar uses the sidebar's colour variables, and every extra
 * axe run lengthens suites that already run minutes on a busy CI machine.
 */
const DARK_AT = 'desktop';

/**
 * One page state checked as people on any device meet it: no sideways page scroll at a phone,
 * tablet and desktop size, and no axe-core violation at any of them, in the light scheme and
 * (colour rules) the dark one (the layout changes, so do the rules that apply; the scheme changes
 * every colour pair axe measures). The viewport and the light scheme are put back afterwards.
 */
export async function checkPageState(page: Page, state: string): Promise<void> {
  const original = page.viewportSize();
  const problems: string[] = [];
  try {
    await page.waitForLoadState('networkidle');
    // pages are loaded lazily (one chunk each): every page state has a level-one heading once rendered
    await page.waitForSelector('h1', { timeout: 10_000 }).catch(() => undefined);
    for (const v of VIEWPORTS) {
      await page.setViewportSize({ width: v.width, height: v.height });
      // layout and resize observers (charts) settle over a few frames, later on a loaded machine:
      // give them up to ~2 s before calling the page too wide (a settle wait, not a timing assertion)
      let width = Infinity;
      for (let i = 0; i < 20 && width > v.width; i++) {
        await page.evaluate(
          `new Promise((r) => requestAnimationFrame(() => setTimeout(() => r(null), ${i * 10})))`,
        );
        width = await scrollWidth(page);
      }
      if (width > v.width)
        problems.push(
          `${v.name}: page is ${width}px wide, scrolls sideways (widest: ${await widest(page, v.width)})`,
        );
      for (const violation of await axeViolations(page)) problems.push(`${v.name}: ${violation}`);
      if (v.name !== DARK_AT) continue;
      await page.emulateMedia({ colorScheme: 'dark' });
      for (const violation of await axeViolations(page, COLOUR_RULES))
        problems.push(`${v.name}, dark: ${violation}`);
      await page.emulateMedia({ colorScheme: 'light' });
    }
  } finally {
    await page.emulateMedia({ colorScheme: 'light' });
    if (original) await page.setViewportSize(original);
  }
  if (problems.length) throw new Error(`"${state}" (${page.url()}):\n  ${problems.join('\n  ')}`);
}
