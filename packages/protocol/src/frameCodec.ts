import { fromBinary, toBinary, create } from "@bufbuild/protobuf"
import { ErrorCode, KithError } from "./errors"
import { ID_BYTES, Limits } from "./limits"
import {
  ClientFrameSchema,
  ServerFrameSchema,
  type ClientFrame,
  type Delivery,
  type ServerFrame,
} from "./gen/kith/v1/frames_pb"

export type { ClientFrame, ServerFrame, Delivery }

function badFrame(message: string): KithError {
  return new KithError(ErrorCode.BadFrame, message)
}

function checkDeliveries(deliveries: Delivery[]): void {
  if (deliveries.length === 0) throw badFrame("no deliveries")
  if (deliveries.length > Limits.maxDeliveriesPerFrame) throw badFrame("too many deliveries")
  for (const d of deliveries) {
    if (d.payload.length === 0) throw badFrame("empty payload")
    if (d.payload.length > Limits.maxPayloadBytes) {
      throw new KithError(ErrorCode.TooLarge, "payload over the size limit")
    }
    if (d.recipients.length === 0) throw badFrame("delivery without recipients")
    if (d.recipients.length > Limits.maxRecipientsPerDelivery) throw badFrame("too many recipients")
    for (const r of d.recipients) {
      if (r.deviceId.length !== ID_BYTES) throw badFrame("recipient device id must be 16 bytes")
      if (r.deliveryToken.length !== 0 && r.deliveryToken.length !== 32) {
        throw badFrame("delivery token must be empty or 32 bytes")
      }
    }
  }
}

/**
 * The one door for client frames into the server: nothing past this function
 * handles bytes that were not checked against the schema and the limits.
 */
export function decodeClientFrame(bytes: Uint8Array): ClientFrame {
  if (bytes.length > Limits.maxFrameBytes)
    throw new KithError(ErrorCode.TooLarge, "frame over the size limit")
  let frame: ClientFrame
  try {
    frame = fromBinary(ClientFrameSchema, bytes)
  } catch (e) {
    throw badFrame(`undecodable frame: ${(e as Error).message}`)
  }
  if (frame.requestId === 0) throw badFrame("request_id must be non-zero")
  const body = frame.body
  switch (body.case) {
    case "authenticate":
      if (body.value.sessionToken.length === 0 || body.value.sessionToken.length > 128) {
        throw badFrame("bad session token")
      }
      break
    case "send":
      checkDeliveries(body.value.deliveries)
      break
    case "submitCommit":
      if (body.value.groupId.length === 0 || body.value.groupId.length > 64) throw badFrame("bad group id")
      checkDeliveries(body.value.deliveries)
      break
    case "ack":
      if (body.value.seqs.length === 0 || body.value.seqs.length > Limits.maxAcksPerFrame) {
        throw badFrame("ack needs 1 to 1000 sequence numbers")
      }
      break
    case "ping":
      break
    case undefined:
      throw badFrame("unknown or missing frame type")
    default:
      return assertNever(body)
  }
  return frame
}

export function encodeClientFrame(frame: Omit<ClientFrame, "$typeName">): Uint8Array {
  return toBinary(ClientFrameSchema, create(ClientFrameSchema, frame as ClientFrame))
}

export function encodeServerFrame(frame: Omit<ServerFrame, "$typeName">): Uint8Array {
  return toBinary(ServerFrameSchema, create(ServerFrameSchema, frame as ServerFrame))
}

/** Clients decode server frames through here; an unknown frame type is an error, not a crash. */
export function decodeServerFrame(bytes: Uint8Array): ServerFrame {
  if (bytes.length > Limits.maxFrameBytes)
    throw new KithError(ErrorCode.TooLarge, "frame over the size limit")
  try {
    const frame = fromBinary(ServerFrameSchema, bytes)
    if (frame.body.case === undefined) throw new Error("unknown frame type")
    return frame
  } catch (e) {
    throw badFrame(`undecodable server frame: ${(e as Error).message}`)
  }
}

export function assertNever(value: never): never {
  throw new Error(`unhandled case: ${JSON.stringify(value)}`)
}
