import { create } from "@bufbuild/protobuf"
import { content as pb, fromBase64Url } from "@kith/protocol"
import type { ContentBody, MemberProfile } from "./contentCodec"
import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import { groupMembers, type GroupState } from "./mlsGroup"
import { b64 } from "./records"

/** What this account tells friends and fellow members about itself (end to end only). */
export function myProfile(engine: Engine): MemberProfile {
  const me = engine.me()
  return create(pb.MemberProfileSchema, {
    accountId: me.accountId,
    accountPublicKey: me.account.publicKey,
    deliveryToken: me.deliveryToken,
    profileKey: me.profileKey,
  })
}

/** A profile for another account, if this device holds its secrets. */
export function profileOfContact(engine: Engine, accountId: string): MemberProfile | undefined {
  if (accountId === engine.myAccountId) return myProfile(engine)
  const contact = engine.contacts.get(accountId)
  if (!contact?.deliveryToken || !contact.profileKey) return undefined
  return create(pb.MemberProfileSchema, {
    accountId: fromBase64Url(accountId)!,
    accountPublicKey: b64(contact.accountPublicKey),
    deliveryToken: b64(contact.deliveryToken),
    profileKey: b64(contact.profileKey),
  })
}

const kindToWire = {
  direct: pb.ConversationKind.DIRECT,
  group: pb.ConversationKind.GROUP,
  self: pb.ConversationKind.SELF,
  unknown: pb.ConversationKind.UNSPECIFIED,
} as const

/** The group's end-to-end state for joiners: kind, name, admins, and every member's profile we hold. */
export function snapshotBody(
  engine: Engine,
  conversation: ConversationRecord,
  state: GroupState,
): ContentBody {
  const accounts = [...new Set(groupMembers(state).map((m) => m.accountId))]
  const members = accounts.map((a) => profileOfContact(engine, a)).filter((p) => p !== undefined)
  return {
    case: "groupSnapshot",
    value: create(pb.GroupSnapshotSchema, {
      kind: kindToWire[conversation.kind],
      name: conversation.name,
      adminAccountIds: conversation.admins.map((a) => fromBase64Url(a)!),
      members,
      expireAfterMs: BigInt(conversation.timerMs ?? 0),
    }),
  }
}

export function kindFromWire(kind: pb.ConversationKind): ConversationRecord["kind"] {
  switch (kind) {
    case pb.ConversationKind.DIRECT:
      return "direct"
    case pb.ConversationKind.GROUP:
      return "group"
    case pb.ConversationKind.SELF:
      return "self"
    default:
      return "unknown"
  }
}
