import { useId, useRef, type ReactNode } from 'react';

/**
 * A button for a destructive or high-value action: it opens a modal dialog that restates what
 * will happen and the reason that will be recorded, and acts only on "Confirm".
 */
export function ConfirmButton({
  children,
  title,
  details,
  onConfirm,
  className = 'danger',
  disabled,
  'aria-label': ariaLabel,
}: {
  children: ReactNode;
  /** The dialog's heading, e.g. "Suspend premium access of Acme?" */
  title: string;
  /** What will happen, and the reason as it will be recorded. */
  details: ReactNode;
  onConfirm(): void;
  className?: string;
  disabled?: boolean;
  'aria-label'?: string;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const headingId = useId();
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
      <dialog ref={dialog} aria-labelledby={headingId}>
        <h2 id={headingId}>{title}</h2>
        <div className="stack">{details}</div>
        <div className="row dialog-actions">
          <button type="button" className="secondary" onClick={() => dialog.current?.close()}>
            Cancel
          </button>
          <button
            type="button"
            className={className}
            onClick={() => {
              dialog.current?.close();
              onConfirm();
            }}
          >
            Confirm
          </button>
        </div>
      </dialog>
    </>
  );
}
