import {
  ErrorCode,
  ID_BYTES,
  KithError,
  SignatureContext,
  toBase64Url,
  verifyChallenge,
} from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { RouteHandlers } from "../routeHandlers"
import { bytesField } from "../bytesField"
import { randomBytesArray } from "../../ids"
import { dayOf } from "../../clock"

export const SESSION_CHALLENGE_TTL_MS = 60 * 1000
export const SESSION_TTL_MS = 24 * 3600 * 1000

/** Devices prove themselves by signing a fresh challenge with their key: no passwords. */
export function sessionHandlers(ctx: ServerContext): Pick<RouteHandlers, "sessionChallenge" | "openSession"> {
  return {
    sessionChallenge: async () => {
      const challenge = toBase64Url(randomBytesArray(32))
      await ctx.sessionChallenges.addIfAbsent(challenge, ctx.clock() + SESSION_CHALLENGE_TTL_MS)
      return { challenge }
    },

    openSession: async ({ body }) => {
      const deviceId = toBase64Url(bytesField(body.deviceId, "deviceId", ID_BYTES))
      const challenge = await takeSessionChallenge(ctx, body.challenge)
      const signature = bytesField(body.signature, "signature", 64)
      const device = await ctx.store.devices.get(deviceId)
      if (device === undefined) throw new KithError(ErrorCode.NotFound, "no such device")
      if (!verifyChallenge(SignatureContext.session, challenge, signature, device.publicKey)) {
        throw new KithError(ErrorCode.BadSignature, "signature does not verify with the device key")
      }
      const { token, expiresAtMs } = await ctx.sessions.open(device.accountId, device.id, SESSION_TTL_MS)
      await ctx.store.devices.touchLastSeenDay(device.id, dayOf(ctx.clock()))
      return { token, accountId: device.accountId, expiresAtMs }
    },
  }
}

/** Spends a session challenge (also used by addDevice); single-use, 60 seconds. */
export async function takeSessionChallenge(ctx: ServerContext, text: string): Promise<Uint8Array> {
  const challenge = bytesField(text, "challenge")
  if (!(await ctx.sessionChallenges.take(toBase64Url(challenge)))) {
    throw new KithError(ErrorCode.Unauthenticated, "challenge is unknown, expired or already used")
  }
  return challenge
}
