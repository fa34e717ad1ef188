import type { KithClient } from "@kith/core"
import { bytesEqual } from "@kith/protocol"
import { avatarBlob, defaultCrop, encodeAvatar, type AvatarCrop } from "../media/prepareAvatar"

/** How long a profile (name and picture) read from the server is taken as current. */
const PROFILE_REFRESH_MS = 5 * 60_000
/** How long to wait before asking again for a profile that could not be read (its key may still be on its way). */
const PROFILE_RETRY_MS = 10_000

type Avatars = Readonly<Record<string, string>>

export interface ProfileDirectoryDeps {
  /** The engine if it is open now (profiles are not worth waiting for). */
  client: () => KithClient | undefined
  /** The engine, waiting for it to open. */
  engine: () => Promise<KithClient>
  /** The pictures on screen, and a way to show new ones. */
  avatars: () => Avatars
  showAvatars: (avatars: Avatars) => void
  /** A name changed: the lists and open chats should be drawn again. */
  namesChanged: () => void
}

/**
 * Who everyone is called and what their picture is. Names and pictures come
 * from encrypted profiles, which the engine fetches on request and then
 * remembers; this keeps track of when each was last read so a friend's new
 * picture shows up without asking the server at every refresh.
 */
export class ProfileDirectory {
  private readonly names = new Map<string, string>()
  /** When this session last asked for an account's profile (names are fetched once, retried after a while). */
  private readonly profileAskedAt = new Map<string, number>()
  /** When this session last read each account's profile: read again after PROFILE_REFRESH_MS. */
  private readonly profileFetchedAt = new Map<string, number>()
  /** Profile pictures as object URLs, by account; replaced (and the old URL revoked) when one changes. */
  private readonly avatarUrls = new Map<string, string>()
  private readonly avatarBytes = new Map<string, Uint8Array>()
  /** Accounts whose stored picture this session has looked up. */
  private readonly avatarLooked = new Set<string>()
  private missing = false

  constructor(private readonly deps: ProfileDirectoryDeps) {}

  /** Some profile is due to be read (again): the model's clock asks for a refresh while this holds. */
  get namesMissing(): boolean {
    return this.missing
  }

  nameOf(accountId: string): string {
    return (
      this.names.get(accountId) ?? this.deps.client()?.nameOf(accountId) ?? `Kith ${accountId.slice(0, 6)}`
    )
  }

  /** A name the engine already knows (a friend's), taken as it is. */
  learnName(accountId: string, name: string): void {
    this.names.set(accountId, name)
  }

  /** The key to read this account's profile may just have arrived (new member, new friend): ask again now. */
  askAgain(accountId: string): void {
    this.profileAskedAt.delete(accountId)
  }

  /**
   * Fetches each account's profile when the session starts and again every
   * few minutes (after ten seconds when the key to read it was not there
   * yet); until then the name and picture this device last saw stand in.
   */
  async fetchProfiles(accountIds: string[]): Promise<void> {
    const client = this.deps.client()
    if (!client) return
    let found = false
    const unique = [...new Set(accountIds)]
    const fresh = (id: string) =>
      Date.now() - (this.profileFetchedAt.get(id) ?? -Infinity) < PROFILE_REFRESH_MS
    this.missing = unique.some((id) => !fresh(id))
    for (const id of unique) {
      if (this.avatarLooked.has(id)) continue
      this.avatarLooked.add(id)
      this.showAvatar(id, await client.avatarOf(id).catch(() => undefined))
    }
    for (const id of unique) {
      const asked = this.profileAskedAt.get(id)
      if (fresh(id) || (asked !== undefined && Date.now() - asked < PROFILE_RETRY_MS)) continue
      this.profileAskedAt.set(id, Date.now())
      try {
        const profile = await client.profileOf(id)
        if (!profile) continue
        this.profileFetchedAt.set(id, Date.now())
        this.showAvatar(id, profile.avatar)
        if (profile.displayName && this.names.get(id) !== profile.displayName) {
          this.names.set(id, profile.displayName)
          found = true
        }
      } catch {
        // No profile, or not allowed to read it yet: the username or a short id stands in.
      }
    }
    if (found) this.deps.namesChanged()
  }

  /** Sets my picture from an image, cut to the chosen square and encoded again here; undefined removes it. */
  async setAvatar(image: ImageBitmap | undefined, crop: AvatarCrop = defaultCrop): Promise<void> {
    const client = await this.deps.engine()
    const bytes = image ? await encodeAvatar(image, crop) : undefined
    await client.setAvatar(bytes)
    this.showAvatar(client.accountId, bytes)
  }

  /** Shows a picture for an account (or, with undefined, its initials again). */
  private showAvatar(accountId: string, bytes: Uint8Array | undefined): void {
    const previous = this.avatarUrls.get(accountId)
    if (!bytes && !previous) return
    const shown = this.avatarBytes.get(accountId)
    if (bytes && shown && bytesEqual(bytes, shown)) return
    if (bytes) this.avatarBytes.set(accountId, bytes)
    else this.avatarBytes.delete(accountId)
    if (previous) URL.revokeObjectURL(previous)
    const avatars = { ...this.deps.avatars() }
    if (bytes) {
      const url = URL.createObjectURL(avatarBlob(bytes))
      this.avatarUrls.set(accountId, url)
      avatars[accountId] = url
    } else {
      this.avatarUrls.delete(accountId)
      delete avatars[accountId]
    }
    this.deps.showAvatars(avatars)
  }
}
