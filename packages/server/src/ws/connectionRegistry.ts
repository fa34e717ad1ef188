/** What the registry needs from a connection: a way to end it. */
export interface RegisteredConnection {
  close(code: number, reason: string): void
}

export const CloseCode = {
  /** A newer connection authenticated as the same device. */
  replaced: 4001,
  /** The device was removed (or its account deleted). */
  deviceGone: 4003,
  /** Too many frames that could not be decoded. */
  tooManyBadFrames: 1008,
  /** The socket did not authenticate within the deadline. */
  authTimeout: 4008,
  serverShutdown: 1001,
} as const

/**
 * Which connection speaks for which device on this node: a device has at most
 * one authenticated connection, and a new one replaces the old.
 */
export class ConnectionRegistry {
  private readonly byDevice = new Map<string, RegisteredConnection>()

  bind(deviceId: string, connection: RegisteredConnection): void {
    const previous = this.byDevice.get(deviceId)
    this.byDevice.set(deviceId, connection)
    if (previous !== undefined && previous !== connection) {
      previous.close(CloseCode.replaced, "replaced by a newer connection")
    }
  }

  unbind(deviceId: string, connection: RegisteredConnection): void {
    if (this.byDevice.get(deviceId) === connection) this.byDevice.delete(deviceId)
  }

  get size(): number {
    return this.byDevice.size
  }
}
