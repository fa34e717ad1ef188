import { useEffect, useRef, type ReactNode } from "react"

/**
 * A dialog over the chat, modal from the moment it mounts and named by its
 * heading. Escape closes it as the browser does; its contents get `close`
 * for their own Cancel or Dismiss. Either way `onClose` runs once it is shut.
 */
export function ModalDialog({
  title,
  titleId,
  className,
  testId,
  onClose,
  children,
}: {
  title: string
  titleId: string
  className: string
  testId: string
  onClose(): void
  children(close: () => void): ReactNode
}) {
  const dialog = useRef<HTMLDialogElement>(null)
  useEffect(() => {
    dialog.current?.showModal()
  }, [])
  return (
    <dialog
      ref={dialog}
      className={className}
      aria-labelledby={titleId}
      onClose={onClose}
      data-testid={testId}
    >
      <h2 id={titleId}>{title}</h2>
      {children(() => dialog.current?.close())}
    </dialog>
  )
}
