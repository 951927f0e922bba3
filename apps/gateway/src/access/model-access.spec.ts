import type { ApiKeyPrincipal } from '@velvet/access';
import type {
  DatedRefusal,
  EntitlementExplanation,
  ExplanationService,
  Refusal,
} from '@velvet/entitlements';
import type { CatalogEntry } from '../catalog/model-catalog';
import type { GatewayEnv } from '../env';
import type { ModelEntitlements } from '../gateway.tokens';
import type { OpenAIError } from '../http/openai-error';
import { ModelAccess } from './model-access';
import { RefusalExplainer } from './refusal-explainer';

const entry = {
  model: { id: 'm-pro', slug: 'velvet-pro-1', tier: 'premium' },
  gated: true,
} as unknown as CatalogEntry;
const principal = { organizationId: 'org-1', allowedModelIds: null } as unknown as ApiKeyPrincipal;
const short = (spent: string): Refusal => ({
  code: 'spend_short',
  message: `spent ${spent} of 10.00 USD`,
});
const explanationAt = (ms: number, refusal: Refusal): EntitlementExplanation => ({
  organizationId: 'org-1',
  evaluatedAt: new Date(ms),
  models: [
    {
      modelId: 'm-pro',
      slug: 'velvet-pro-1',
      displayName: 'Pro',
      tier: 'premium',
      gated: true,
      unlocked: false,
      enforced: false,
      conditions: [],
      refusal,
    },
  ],
});

/** The entitlement cache refuses every model with `stored`; a live explanation answers `live()`. */
function setUp(live: () => EntitlementExplanation) {
  let stored: DatedRefusal | null = null;
  const entitlements: ModelEntitlements = {
    invokableModelIds: async () => new Set<string>(),
    refusalFor: () => stored,
  };
  const explanations = { explain: async () => live() } as unknown as ExplanationService;
  const access = new ModelAccess(
    entitlements,
    { PORTAL_PUBLIC_URL: 'http://portal' } as GatewayEnv,
    new RefusalExplainer(explanations),
  );
  const refusedWith = async () => {
    const error = (await access.assertInvokable(principal, entry).catch((e) => e)) as OpenAIError;
    return error.message;
  };
  return { setStored: (s: DatedRefusal | null) => (stored = s), refusedWith };
}

describe('ModelAccess refusal reasons', () => {
  it('never goes back to a stored reason older than one it explained live', async () => {
    const live = explanationAt(2_000, short('9.99'));
    const { setStored, refusedWith } = setUp(() => live);
    // no stored reason yet: explained live (facts as of t=2000)
    expect(await refusedWith()).toContain('spent 9.99 of 10.00 USD');
    // an evaluation that read its facts at t=1000, before the new spend, lands afterwards
    setStored({ refusal: short('0.00'), asOf: 1_000 });
    expect(await refusedWith()).toContain('spent 9.99 of 10.00 USD');
    // a later evaluation is the newer word again, whatever it says
    setStored({ refusal: short('9.98'), asOf: 3_000 });
    expect(await refusedWith()).toContain('spent 9.98 of 10.00 USD');
  });

  it('uses the stored reason when nothing newer was explained here', async () => {
    const { setStored, refusedWith } = setUp(() => {
      throw new Error('not asked');
    });
    setStored({ refusal: { code: 'contract_missing', message: 'no contract' }, asOf: 5 });
    expect(await refusedWith()).toContain('no contract');
  });
});
