import { ErrorCode, fromBase64Url, KithError, toBase64Url, type frames } from "@kith/protocol"
import { isSealed, toFrameDeliveries, type OutgoingDelivery } from "./delivery"
import type { Engine } from "./engine"
import type { FrameSocket } from "./socket"

/**
 * Which connection a frame goes over: sealed deliveries over the anonymous
 * socket, so the server cannot tell who sends them ([W6]); anything with an
 * unsealed recipient over the authenticated one ([W7]).
 */
function socketFor(engine: Engine, deliveries: OutgoingDelivery[]): FrameSocket {
  const socket = isSealed(deliveries) ? engine.sealedSocket : engine.authSocket
  if (!socket) throw new KithError(ErrorCode.Network, "not connected: call connect() first")
  return socket
}

/**
 * Sends deliveries ([W5]), in as many frames as the limits require; resolves
 * once the server stored them, with the devices it skipped because their
 * mailbox is full ([D4]). Offline, it fails at once with a Network error
 * (the outbox keeps the message for the next connection).
 */
export async function sendDeliveries(engine: Engine, deliveries: OutgoingDelivery[]): Promise<string[]> {
  const socket = socketFor(engine, deliveries)
  const skipped: string[] = []
  for (const frame of toFrameDeliveries(deliveries)) {
    const ok = await socket.requestNow({ case: "send", value: { deliveries: frame } as frames.Send })
    skipped.push(...ok.skippedDeviceIds.map(toBase64Url))
  }
  return skipped
}

/** Whether the connection a commit with these deliveries would take is up. */
export function canSubmit(engine: Engine, deliveries: OutgoingDelivery[]): boolean {
  return socketFor(engine, deliveries).online
}

/** Submits a commit and its deliveries as one frame ([W8]): stored only if the server accepts the epoch. */
export async function submitCommit(
  engine: Engine,
  groupId: string,
  epoch: bigint,
  deliveries: OutgoingDelivery[],
): Promise<frames.Ok> {
  const socket = socketFor(engine, deliveries)
  const framesOut = toFrameDeliveries(deliveries)
  if (framesOut.length !== 1)
    throw new KithError(ErrorCode.TooLarge, "a commit's deliveries must fit in one frame")
  return socket.requestNow({
    case: "submitCommit",
    value: { groupId: fromBase64Url(groupId)!, epoch, deliveries: framesOut[0]! } as frames.SubmitCommit,
  })
}
