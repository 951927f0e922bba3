import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { catalogApi, type CatalogModel, type ModelStatus } from '../api/catalog';
import { ConfirmButton } from '../ui/confirm-button';
import { ErrorBox } from '../ui/feedback';
import { dollarsToMicros, formatMicros } from '../ui/format';

const dollars = (micros: string) => formatMicros(micros).replace(/^\$/, '').replace(/,/g, '');

/** One catalog model, with its prices (USD per million tokens) and status editable in place. */
export function ModelRow({ model }: { model: CatalogModel }) {
  const client = useQueryClient();
  const [edit, setEdit] = useState(false);
  const [input, setInput] = useState(dollars(model.inputPriceMicrosPerMTok));
  const [output, setOutput] = useState(dollars(model.outputPriceMicrosPerMTok));
  const [status, setStatus] = useState(model.status);
  const [reason, setReason] = useState('');
  const [invalid, setInvalid] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: () =>
      catalogApi.updateModel(model.id, {
        inputPriceMicrosPerMTok: dollarsToMicros(input)!,
        outputPriceMicrosPerMTok: dollarsToMicros(output)!,
        status,
        ...(reason ? { reason } : {}),
      }),
    onSuccess: () => {
      setEdit(false);
      void client.invalidateQueries({ queryKey: ['catalog-models'] });
    },
  });
  function submit() {
    if (!dollarsToMicros(input) || !dollarsToMicros(output))
      return setInvalid('Prices must be amounts in USD, e.g. 15 or 2.50');
    setInvalid(null);
    save.mutate();
  }
  if (!edit)
    return (
      <tr>
        <td>
          {model.displayName} <code className="muted">{model.slug}</code>
        </td>
        <td>{model.tier}</td>
        <td className="num">{formatMicros(model.inputPriceMicrosPerMTok, model.currency)}</td>
        <td className="num">{formatMicros(model.outputPriceMicrosPerMTok, model.currency)}</td>
        <td>{model.status}</td>
        <td>
          <button
            type="button"
            className="link"
            aria-label={`Edit ${model.slug}`}
            onClick={() => setEdit(true)}
          >
            Edit
          </button>
        </td>
      </tr>
    );
  return (
    <tr>
      <td>
        {model.displayName} <code className="muted">{model.slug}</code>
        <ErrorBox error={invalid ?? save.error} />
      </td>
      <td>{model.tier}</td>
      <td className="num">
        <input
          aria-label={`Input price of ${model.slug} (USD per million tokens)`}
          value={input}
          onChange={(e) => setInput(e.target.value)}
          size={8}
        />
      </td>
      <td className="num">
        <input
          aria-label={`Output price of ${model.slug} (USD per million tokens)`}
          value={output}
          onChange={(e) => setOutput(e.target.value)}
          size={8}
        />
      </td>
      <td>
        <select
          aria-label={`Status of ${model.slug}`}
          value={status}
          onChange={(e) => setStatus(e.target.value as ModelStatus)}
        >
          <option value="active">active</option>
          <option value="retired">retired</option>
        </select>
      </td>
      <td>
        <input
          aria-label={`Reason for changing ${model.slug}`}
          placeholder="reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
        />{' '}
        <ConfirmButton
          className=""
          disabled={save.isPending}
          title={`Change ${model.slug}?`}
          details={
            <>
              <p>Takes effect for new calls at once; past usage keeps its price.</p>
              <ul>
                <li>
                  Input: {formatMicros(model.inputPriceMicrosPerMTok)} → ${input} per million tokens
                </li>
                <li>
                  Output: {formatMicros(model.outputPriceMicrosPerMTok)} → ${output} per million
                  tokens
                </li>
                <li>
                  Status: {model.status} → {status}
                </li>
              </ul>
              <p>
                Reason recorded in the audit log: <q>{reason.trim() || '(none)'}</q>
              </p>
            </>
          }
          onConfirm={submit}
        >
          Save
        </ConfirmButton>{' '}
        <button type="button" className="link" onClick={() => setEdit(false)}>
          Cancel
        </button>
      </td>
    </tr>
  );
}
