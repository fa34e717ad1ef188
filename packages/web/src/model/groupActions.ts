import type { KithClient } from "@kith/core"

export interface GroupActionsDeps {
  engine: () => Promise<KithClient>
  /** Writes "you created the group" into the new group's history. */
  noteCreated: (chatId: string) => void
  /** Reload the lists now and wait: the new group is opened right after. */
  refreshNow: () => Promise<void>
  /** Something in this chat changed: reload it. */
  touch: (chatId: string) => void
}

/** Making a group and changing who is in it, its name and its admins. */
export class GroupActions {
  constructor(private readonly deps: GroupActionsDeps) {}

  async createGroup(name: string, accountIds: string[]): Promise<string> {
    const conversation = await (await this.deps.engine()).createGroup(name, accountIds)
    this.deps.noteCreated(conversation.id)
    await this.deps.refreshNow()
    return conversation.id
  }

  async addMembers(chatId: string, accountIds: string[]): Promise<void> {
    await (await this.deps.engine()).addMembers(chatId, accountIds)
    this.deps.touch(chatId)
  }

  async removeMembers(chatId: string, accountIds: string[]): Promise<void> {
    await (await this.deps.engine()).removeMembers(chatId, accountIds)
    this.deps.touch(chatId)
  }

  async renameGroup(chatId: string, name: string): Promise<void> {
    await (await this.deps.engine()).renameGroup(chatId, name)
    this.deps.touch(chatId)
  }

  async setAdmin(chatId: string, accountId: string, admin: boolean): Promise<void> {
    await (await this.deps.engine()).setAdmin(chatId, accountId, admin)
    this.deps.touch(chatId)
  }

  async leaveGroup(chatId: string): Promise<void> {
    await (await this.deps.engine()).leaveGroup(chatId)
    this.deps.touch(chatId)
  }
}
