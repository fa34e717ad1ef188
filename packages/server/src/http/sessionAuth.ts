import { ErrorCode, KithError } from "@kith/protocol"
import type { Session, SessionStore } from "../ephemeral/sessionStore"

const bearer = /^Bearer ([A-Za-z0-9_-]{16,128})$/

/** The session behind an `Authorization: Bearer <token>` header, or KITH_ERR_UNAUTHENTICATED. */
export async function sessionFromHeader(
  sessions: SessionStore,
  header: string | undefined,
): Promise<Session> {
  const token = header === undefined ? undefined : bearer.exec(header)?.[1]
  const session = token === undefined ? undefined : await sessions.get(token)
  if (session === undefined) {
    throw new KithError(ErrorCode.Unauthenticated, "a valid session token is required")
  }
  return session
}
