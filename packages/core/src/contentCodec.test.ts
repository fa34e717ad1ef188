import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode } from "@kith/protocol"
import fc from "fast-check"
import { describe, expect, it } from "vitest"
import { decodeContent, decodeProfile, encodeContent, encodeProfile, type ContentBody } from "./contentCodec"
import { open, seal } from "./sealedBox"
import { secureRandom } from "./runtime"

const id = () => crypto.getRandomValues(new Uint8Array(16))
const profile = () =>
  create(pb.MemberProfileSchema, {
    accountId: id(),
    accountPublicKey: secureRandom(32),
    deliveryToken: secureRandom(32),
    profileKey: secureRandom(32),
  })

const bodies: ContentBody[] = [
  { case: "text", value: create(pb.TextSchema, { body: "hello 👋", replyTo: id() }) },
  { case: "recall", value: create(pb.RecallSchema, { messageId: id() }) },
  { case: "readReceipt", value: create(pb.ReadReceiptSchema, { messageIds: [id(), id()] }) },
  {
    case: "groupSnapshot",
    value: create(pb.GroupSnapshotSchema, {
      kind: pb.ConversationKind.GROUP,
      name: "climbers",
      adminAccountIds: [id()],
      members: [profile(), profile()],
    }),
  },
  { case: "rename", value: create(pb.RenameSchema, { name: "new name" }) },
  { case: "adminChange", value: create(pb.AdminChangeSchema, { accountId: id(), admin: true }) },
  { case: "friendRequest", value: create(pb.FriendRequestSchema, { from: profile(), greeting: "hi" }) },
  { case: "friendAccept", value: create(pb.FriendAcceptSchema, { from: profile() }) },
  { case: "memberInfo", value: create(pb.MemberInfoSchema, { profile: profile() }) },
  { case: "contacts", value: create(pb.ContactsSchema, { friends: [profile()] }) },
]

describe("content codec", () => {
  it.each(bodies.map((b) => [b.case, b] as const))("round-trips %s", (_case, body) => {
    const messageId = id()
    const decoded = decodeContent(encodeContent(messageId, 1_700_000_000_000, body))
    expect(decoded.messageId).toEqual(messageId)
    expect(decoded.sentAtMs).toBe(1_700_000_000_000n)
    expect(decoded.body).toEqual(body)
  })

  it("refuses content without a 16-byte id or a known body", () => {
    const text: ContentBody = { case: "text", value: create(pb.TextSchema, { body: "x" }) }
    expect(() => decodeContent(encodeContent(new Uint8Array(3), 0, text))).toThrow(
      expect.objectContaining({ code: ErrorCode.Decrypt }),
    )
    expect(() => decodeContent(new Uint8Array([0x0a, 0x10, ...id()]))).toThrow(/unknown kind/)
  })

  it("turns any garbage into a Decrypt error, never a crash", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (bytes) => {
        try {
          decodeContent(bytes)
        } catch (e) {
          expect((e as { code?: string }).code).toBe(ErrorCode.Decrypt)
        }
      }),
    )
  })

  it("round-trips a sealed profile and refuses the wrong key", () => {
    const key = secureRandom(32)
    const sealed = seal(key, encodeProfile("Alice"), secureRandom)
    expect(decodeProfile(open(key, sealed)).displayName).toBe("Alice")
    expect(() => open(secureRandom(32), sealed)).toThrow(expect.objectContaining({ code: ErrorCode.Decrypt }))
  })
})
