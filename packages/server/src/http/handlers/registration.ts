import {
  checkProofOfWork,
  ErrorCode,
  KithError,
  SignatureContext,
  toBase64Url,
  verifyChallenge,
} from "@kith/protocol"
import type { ServerContext } from "../../context"
import type { RouteHandlers } from "../routeHandlers"
import { bytesField } from "../bytesField"
import { newId } from "../../ids"

/** Accounts cost proof of work instead of a phone number or an e-mail address. */
export function registrationHandlers(
  ctx: ServerContext,
): Pick<RouteHandlers, "registrationChallenge" | "registerAccount"> {
  return {
    registrationChallenge: async () => ({
      challenge: toBase64Url(ctx.registrationChallenges.issue()),
      difficulty: ctx.config.powDifficulty,
    }),

    registerAccount: async ({ body }) => {
      const publicKey = bytesField(body.accountPublicKey, "accountPublicKey", 32)
      const challenge = bytesField(body.challenge, "challenge")
      const nonce = bytesField(body.nonce, "nonce")
      const signature = bytesField(body.signature, "signature", 64)
      if (!ctx.registrationChallenges.isValid(challenge)) {
        throw new KithError(ErrorCode.ProofOfWork, "challenge is not ours or has expired; ask for a new one")
      }
      if (!checkProofOfWork(challenge, nonce, ctx.config.powDifficulty)) {
        throw new KithError(ErrorCode.ProofOfWork, "nonce does not meet the difficulty")
      }
      if (!verifyChallenge(SignatureContext.register, challenge, signature, publicKey)) {
        throw new KithError(ErrorCode.BadSignature, "signature does not verify with the account key")
      }
      if (!(await ctx.registrationChallenges.spend(challenge))) {
        throw new KithError(ErrorCode.ProofOfWork, "challenge already used; ask for a new one")
      }
      const accountId = newId()
      if ((await ctx.store.accounts.create(accountId, publicKey)) === "duplicateKey") {
        throw new KithError(ErrorCode.Conflict, "this account key is already registered")
      }
      return { accountId }
    },
  }
}
