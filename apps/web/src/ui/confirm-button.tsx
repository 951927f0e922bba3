import { useId, useRef, useState, type ReactNode, type RefObject } from 'react';

interface ConfirmProps {
  /** The dialog's heading, e.g. "Suspend premium access of Acme?" */
  title: string;
  /** What will happen, and the reason as it will be recorded. */
  details: ReactNode;
  onConfirm(): void;
  className?: string;
  /**
   * For high-value actions: Confirm stays disabled until this text (e.g. the organisation's name)
   * is typed, so a wrong panel or a double click cannot commit it.
   */
  typeToConfirm?: string;
  /** The Confirm button's text (default "Confirm"). */
  confirmLabel?: string;
}

/**
 * A modal dialog (native `<dialog>`) that restates what will happen and the reason that will be
 * recorded, and acts only on Confirm. Opened by `dialog.current.showModal()`.
 */
export function ConfirmDialog({
  dialog,
  title,
  details,
  onConfirm,
  className = 'danger',
  typeToConfirm,
  confirmLabel = 'Confirm',
}: ConfirmProps & { dialog: RefObject<HTMLDialogElement | null> }) {
  const headingId = useId();
  const [typed, setTyped] = useState('');
  const close = () => {
    setTyped('');
    dialog.current?.close();
  };
  const ready = !typeToConfirm || typed.trim() === typeToConfirm;
  return (
    <dialog ref={dialog} aria-labelledby={headingId} onClose={() => setTyped('')}>
      <h2 id={headingId}>{title}</h2>
      <div className="stack">{details}</div>
      {typeToConfirm && (
        <label>
          {`Type ${typeToConfirm} to confirm`}
          <input autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} />
        </label>
      )}
      <div className="row dialog-actions">
        <button type="button" className="secondary" onClick={close}>
          Cancel
        </button>
        <button
          type="button"
          className={className}
          disabled={!ready}
          onClick={() => {
            close();
            onConfirm();
          }}
        >
          {confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/**
 * A button for a destructive or high-value action: it opens a ConfirmDialog and acts only on
 * Confirm.
 */
export function ConfirmButton({
  children,
  disabled,
  'aria-label': ariaLabel,
  className = 'danger',
  ...confirm
}: ConfirmProps & {
  children: ReactNode;
  disabled?: boolean;
  'aria-label'?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  return (
    <>
      <button
        type="button"
        className={className}
        disabled={disabled}
        aria-label={ariaLabel}
        onClick={() => dialog.current?.showModal()}
      >
        {children}
      </button>
      <ConfirmDialog dialog={dialog} className={className} {...confirm} />
    </>
  );
}
