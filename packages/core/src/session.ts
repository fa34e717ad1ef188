import { SignatureContext, signChallenge, toBase64Url } from "@kith/protocol"
import type { Identity } from "./identity"
import { b64 } from "./records"
import type { ServerApi } from "./serverApi"

/**
 * The device's server session ([H3]): opened by signing a fresh challenge with
 * the device key, kept in memory only, and re-opened when the server forgets
 * it (it restarted) — concurrent callers share one opening.
 */
export class Session {
  private token: string | undefined
  private opening: Promise<string> | undefined

  constructor(
    private readonly api: ServerApi,
    private readonly identity: () => Identity,
  ) {}

  async current(refresh: boolean): Promise<string> {
    if (!refresh && this.token) return this.token
    this.opening ??= this.open().finally(() => (this.opening = undefined))
    return this.opening
  }

  forget(): void {
    this.token = undefined
  }

  private async open(): Promise<string> {
    const identity = this.identity()
    const { challenge } = await this.api.call("sessionChallenge")
    const signature = signChallenge(SignatureContext.session, b64(challenge), identity.device.privateKey)
    const opened = await this.api.call("openSession", {
      body: { deviceId: toBase64Url(identity.deviceId), challenge, signature: toBase64Url(signature) },
    })
    this.token = opened.token
    return opened.token
  }
}
