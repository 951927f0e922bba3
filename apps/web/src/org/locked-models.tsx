import type { ModelEntitlement } from '../api/contracts';
import { Empty } from '../ui/feedback';
import { formatMicros } from '../ui/format';
import { MoneyProgress } from '../ui/progress';

const str = (v: unknown) => (v === undefined || v === null ? '0' : String(v));

/** Each rule condition of a locked premium model: what holds, what is missing, with the numbers. */
function Conditions({ model }: { model: ModelEntitlement }) {
  return (
    <ul className="checks" aria-label={`Unlock conditions for ${model.slug}`}>
      {model.conditions.map((c) => (
        <li key={c.key} className={c.holds ? 'ok' : 'missing'}>
          {c.message}
          {c.key === 'qualifying_spend' && c.details && (
            <>
              {!c.holds && <> — {formatMicros(str(c.details.remainingMicros))} to go</>}
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

export function EntitlementsCard({ models }: { models: ModelEntitlement[] }) {
  const premium = models.filter((m) => m.gated);
  const standard = models.filter((m) => !m.gated);
  return (
    <>
      <section className="card" aria-labelledby="models-h">
        <h2 id="models-h">Entitlements</h2>
        {models.length === 0 ? (
          <Empty>No models in the catalog.</Empty>
        ) : (
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
                      <span className="tag bad" aria-label={`${m.slug} locked`}>
                        locked
                      </span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      {premium
        .filter((m) => !m.unlocked)
        .map((m) => (
          <section key={m.modelId} className="card" aria-label={`Why ${m.slug} is locked`}>
            <h2>{m.displayName} is locked — what is missing</h2>
            <Conditions model={m} />
          </section>
        ))}
    </>
  );
}
