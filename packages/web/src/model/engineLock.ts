/**
 * One engine per browser profile: a second tab would race the first over the
 * same keys and mailbox. Resolves true when this page holds the lock (for the
 * rest of its life), false when another tab has it.
 */
export function holdEngineLock(): Promise<boolean> {
  if (!navigator.locks) return Promise.resolve(true)
  return new Promise((resolve) => {
    void navigator.locks.request("kith-engine", { ifAvailable: true }, (lock) => {
      resolve(lock !== null)
      // Held for the page's lifetime.
      return lock ? new Promise<void>(() => {}) : undefined
    })
  })
}
