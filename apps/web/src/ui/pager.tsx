interface Props {
  total: number;
  limit: number;
  offset: number;
  onChange(offset: number): void;
}

/** Previous / next over an offset-paginated list, with where you are. */
export function Pager({ total, limit, offset, onChange }: Props) {
  if (total <= limit && offset === 0) return null;
  const from = total === 0 ? 0 : offset + 1;
  const to = Math.min(offset + limit, total);
  return (
    <nav aria-label="Pagination" className="pager">
      <button
        type="button"
        onClick={() => onChange(Math.max(0, offset - limit))}
        disabled={offset === 0}
      >
        Previous
      </button>
      <span>
        {from}–{to} of {total}
      </span>
      <button type="button" onClick={() => onChange(offset + limit)} disabled={to >= total}>
        Next
      </button>
    </nav>
  );
}
