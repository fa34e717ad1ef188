import type { KithClient } from "@kith/core"

export interface FriendActionsDeps {
  engine: () => Promise<KithClient>
  /** Reload the lists soon (a burst of changes is coalesced). */
  refreshSoon: () => void
  /** Reload the lists now and wait: the screen shows the result right after. */
  refreshNow: () => Promise<void>
}

/** Friend requests, blocking and verifying a friend's safety number. */
export class FriendActions {
  constructor(private readonly deps: FriendActionsDeps) {}

  async sendFriendRequest(username: string, greeting?: string): Promise<void> {
    await (await this.deps.engine()).sendFriendRequest(username, greeting)
    this.deps.refreshSoon()
  }

  async acceptFriendRequest(id: string): Promise<void> {
    await (await this.deps.engine()).acceptFriendRequest(id)
    this.deps.refreshSoon()
  }

  async declineFriendRequest(id: string): Promise<void> {
    await (await this.deps.engine()).declineFriendRequest(id)
    this.deps.refreshSoon()
  }

  /**
   * Blocking is enforced by the engine on this device (their requests,
   * messages and profile updates are dropped on arrival); the server is not told.
   */
  async setBlocked(accountId: string, blocked: boolean): Promise<void> {
    await (await this.deps.engine()).setBlocked(accountId, blocked)
    await this.deps.refreshNow()
  }

  async safetyNumber(accountId: string): Promise<string> {
    return (await this.deps.engine()).safetyNumber(accountId)
  }

  async markVerified(accountId: string): Promise<void> {
    await (await this.deps.engine()).markVerified(accountId)
    await this.deps.refreshNow()
  }
}
