import type { ModelEntitlement } from '../api/contracts';
import { Empty } from '../ui/feedback';
import { MoneyProgress } from '../ui/progress';

const str = (v: unknown) => (v === undefined || v === null ? '0' : String(v));

/** Each rule condition of a locked premium model: what holds, what is missing, with the numbers. */
function Conditions({ model }: { model: ModelEntitlement }) {
  return (
    <ul className="checks" aria-label={`Unlock conditions for ${model.slug}`}>
      {model.conditions.map((c) => (
        <li key={c.key} className={c.holds ? 'ok' : 'missing'}>
          {c.key === 'grandfathered' && <strong>Grandfathered: </strong>}
          {c.message}
          {c.key === 'qualifying_spend' && c.details && (
            <>
              <MoneyProgress
                label={`Qualifying spend for ${model.slug}`}
                value={str(c.details.spentMicros)}
                target={str(c.details.thresholdMicros)}
              />
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The same explanation for developers, with the API key they hold (no portal sign-in needed). */
const GATEWAY_HINT = 'GET /v1/organization/entitlements';

export function EntitlementsCard({ models }: { models: ModelEntitlement[] }) {
  const premium = models.filter((m) => m.gated);
  const standard = models.filter((m) => !m.gated);
  return (
    <>
      <section className="card" aria-labelledby="models-h">
        <h2 id="models-h">Entitlements</h2>
        <p className="muted">
          Developers read this same explanation on the gateway with their API key:{' '}
          <code>{GATEWAY_HINT}</code>. A refused call names the reason as its error code.
        </p>
        {models.length === 0 ? (
          <Empty>No models in the catalog.</Empty>
        ) : (
          <div className="table-scroll" tabIndex={0}>
            <table>
              <caption className="sr-only">Models and whether you may call them</caption>
              <thead>
                <tr>
                  <th>Model</th>
                  <th>Tier</th>
                  <th>Access</th>
                </tr>
              </thead>
              <tbody>
                {[...standard, ...premium].map((m) => (
                  <tr key={m.modelId}>
                    <td>
                      {m.displayName} <code className="muted">{m.slug}</code>
                    </td>
                    <td>{m.tier}</td>
                    <td>
                      {m.unlocked && m.enforced ? (
                        <span className="tag good" aria-label={`${m.slug} unlocked`}>
                          unlocked
                        </span>
                      ) : m.unlocked ? (
                        <span className="tag warn">unlocking…</span>
                      ) : (
                        <>
                          <span className="tag bad" aria-label={`${m.slug} locked`}>
                            locked
                          </span>{' '}
                          {m.refusal && <span className="muted">{m.refusal.message}</span>}
                        </>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
      {premium
        .filter((m) => !m.unlocked)
        .map((m) => (
          <section key={m.modelId} className="card" aria-label={`Why ${m.slug} is locked`}>
            <h2>{m.displayName} is locked — what is missing</h2>
            {m.refusal && (
              <p className="refusal">
                Calls are refused now with <code>{m.refusal.code}</code>: {m.refusal.message}.
              </p>
            )}
            <Conditions model={m} />
          </section>
        ))}
    </>
  );
}
