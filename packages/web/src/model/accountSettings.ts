import type { KithClient } from "@kith/core"
import type { KithDatabase } from "../storage/database"
import { removePasscode, setPasscode } from "../storage/keyVault"
import type { Me, Settings } from "./appState"
import { deviceFingerprint } from "./fingerprint"
import type { DeviceView } from "./viewTypes"

/** Who I am, as the screens show it. */
export async function meOf(client: KithClient): Promise<Me> {
  const who = await client.whoami()
  return {
    accountId: who.accountId,
    deviceId: who.deviceId,
    name: who.displayName ?? "",
    username: who.username,
  }
}

export interface AccountSettingsDeps {
  /** The engine while it is open, and waiting for it. */
  client: () => KithClient | undefined
  engine: () => Promise<KithClient>
  /** The browser database holding the data key (the passcode wraps it). */
  db: () => KithDatabase | undefined
  settings: () => Settings
  showMe: (me: Me) => void
  showDevices: (devices: DeviceView[]) => void
  showSettings: (settings: Settings) => void
}

/**
 * The "me" screens: my name and username, my devices and linking a new one,
 * and the app-lock passcode that keeps this browser's data key.
 */
export class AccountSettings {
  constructor(private readonly deps: AccountSettingsDeps) {}

  async setDisplayName(name: string): Promise<void> {
    const client = await this.deps.engine()
    await client.setDisplayName(name)
    this.deps.showMe(await meOf(client))
  }

  async claimUsername(username: string): Promise<void> {
    const client = await this.deps.engine()
    await client.claimUsername(username)
    this.deps.showMe(await meOf(client))
  }

  async refreshDevices(): Promise<void> {
    const client = this.deps.client()
    if (!client) return
    const devices = await client.devices()
    this.deps.showDevices(
      await Promise.all(
        devices.map(async (d) => ({
          deviceId: d.deviceId,
          current: d.current,
          fingerprint: await deviceFingerprint(d.publicKey),
          addedAt: d.issuedAtMs,
        })),
      ),
    )
  }

  async removeDevice(deviceId: string): Promise<void> {
    await (await this.deps.engine()).removeDevice(deviceId)
    await this.refreshDevices()
  }

  async createLinkCode(): Promise<{ code: string; done: Promise<void> }> {
    return (await this.deps.engine()).createLinkCode()
  }

  async setPasscode(passcode: string, current?: string): Promise<void> {
    await setPasscode(this.deps.db()!, passcode, current)
    this.deps.showSettings({ ...this.deps.settings(), appLock: true })
  }

  async removePasscode(current: string): Promise<void> {
    await removePasscode(this.deps.db()!, current)
    this.deps.showSettings({ ...this.deps.settings(), appLock: false })
  }
}
