import { create } from "@bufbuild/protobuf"
import { content as pb, ErrorCode, KithError, Limits, toBase64Url } from "@kith/protocol"
import { Batch } from "./batch"
import type { ConversationRecord } from "./conversation"
import type { Engine } from "./engine"
import { eraseMessages, type ExpiryEntry } from "./erase"
import { appendMessage, findMessage, toView, type MessageRecord } from "./messageLog"
import { decodeRecord } from "./records"
import type { Received } from "./received"
import { sendContent } from "./send"

/**
 * Disappearing messages ([T2], [T8]). Any member sets a conversation's timer
 * with a DisappearingTimer message, so every member's devices apply it; each
 * text or attachment then carries the timer its sender applied
 * (Content.expire_after_ms), and every device deletes its copy's plaintext
 * that long after storing it. Counting from arrival, not from the sender's
 * clock, keeps a wrong clock on either side from deleting early or never.
 */

export const isAllowedTimer = (ms: number) => Limits.disappearingTimersMs.includes(ms)

/** The expiry of a message stored now under the timer it carries (undefined: kept). */
export const expiryOf = (engine: Engine, timerMs: number) =>
  timerMs > 0 ? engine.clock.now() + timerMs : undefined

export async function setDisappearingTimer(
  engine: Engine,
  conversationId: string,
  timerMs: number,
): Promise<void> {
  if (!isAllowedTimer(timerMs))
    throw new KithError(
      ErrorCode.BadRequest,
      `the timer must be one of ${Limits.disappearingTimersMs.join(", ")} ms`,
    )
  const status = engine.conversations.get(conversationId)?.status
  if (status !== "active")
    throw new KithError(ErrorCode.NoSuchConversation, "this device is not in that conversation")
  await sendContent(
    engine,
    conversationId,
    {
      case: "disappearingTimer",
      value: create(pb.DisappearingTimerSchema, { expireAfterMs: BigInt(timerMs) }),
    },
    (conversation, sent, batch) =>
      applyTimer(engine, batch, conversation, timerMs, engine.myAccountId, engine.myDeviceId, sent.sentAtMs),
  )
}

/** A member's DisappearingTimer: every member may set it; a value outside the allowed set is ignored. */
export function onDisappearingTimer(r: Received, timerMs: bigint): void {
  const ms = Number(timerMs)
  if (!isAllowedTimer(ms)) return
  applyTimer(
    r.engine,
    r.batch,
    r.conversation,
    ms,
    r.sender.accountId,
    r.sender.deviceId,
    Number(r.content.sentAtMs),
  )
}

function applyTimer(
  engine: Engine,
  batch: Batch,
  conversation: ConversationRecord,
  timerMs: number,
  byAccountId: string,
  byDeviceId: string,
  sentAtMs: number,
): void {
  if ((conversation.timerMs ?? 0) === timerMs) return
  conversation.timerMs = timerMs
  const record = appendMessage(batch, conversation, {
    id: toBase64Url(engine.newId()),
    kind: "notice",
    senderAccountId: byAccountId,
    senderDeviceId: byDeviceId,
    sentAtMs,
    receivedAtMs: engine.clock.now(),
    body: "",
    timerMs,
    recalled: false,
    outgoing: byAccountId === engine.myAccountId,
    read: true,
    readBy: [],
  })
  batch.emit({ type: "timer-changed", conversationId: conversation.id, timerMs, byAccountId })
  batch.emit({ type: "message", conversationId: conversation.id, message: toView(conversation.id, record) })
}

/**
 * Deletes what is due and sleeps until the next expiry. Woken whenever a
 * message with an expiry is stored, and when the client connects; the sleep
 * is capped so a clock that jumps is noticed within a minute.
 */
export class ExpiryTimer {
  private sleeping: AbortController | undefined
  private running: Promise<void> | undefined
  private again = false

  constructor(private readonly engine: Engine) {}

  /** Sweeps now and re-arms; concurrent calls collapse into one more pass. */
  wake(): Promise<void> {
    this.sleeping?.abort()
    if (this.running) {
      this.again = true
      return this.running
    }
    this.running = (async () => {
      do {
        this.again = false
        await sweepExpired(this.engine)
      } while (this.again)
    })().finally(() => {
      this.running = undefined
      // A store closed under the timer ends it; the next connect wakes it again.
      this.arm().catch(() => undefined)
    })
    return this.running
  }

  /** Stops waiting (a closed client holds no timer); the next wake starts again. */
  stop(): void {
    this.sleeping?.abort()
  }

  private async arm(): Promise<void> {
    if (this.engine.closed) return
    const next = (await this.engine.store.list("exp/"))[0]
    if (!next) return
    const due = Number(next.key.slice(4, 19))
    const controller = new AbortController()
    this.sleeping = controller
    await this.engine.clock.sleep(
      Math.min(Math.max(due - this.engine.clock.now(), 0), 60_000),
      controller.signal,
    )
    if (controller.signal.aborted || this.engine.closed) return
    await this.wake()
  }
}

/** Deletes every message whose expiry has passed, conversation by conversation. */
export async function sweepExpired(engine: Engine): Promise<void> {
  const now = engine.clock.now()
  const due = new Map<string, { keys: string[]; messageIds: string[] }>()
  for (const entry of await engine.store.list("exp/")) {
    if (Number(entry.key.slice(4, 19)) > now) break
    const { conversationId, messageId } = decodeRecord<ExpiryEntry>(entry.value)
    const group = due.get(conversationId) ?? { keys: [], messageIds: [] }
    group.keys.push(entry.key)
    group.messageIds.push(messageId)
    due.set(conversationId, group)
  }
  for (const [conversationId, { keys, messageIds }] of due) {
    await engine.groups.lock(conversationId, async () => {
      const conversation = engine.conversations.get(conversationId)
      const batch = new Batch()
      // Entries whose message is already gone (deleted by hand, conversation forgotten) go too.
      for (const key of keys) batch.delete(key)
      const records: MessageRecord[] = []
      for (const id of messageIds) {
        const record = await findMessage(engine.store, conversationId, id)
        if (record) records.push(record)
      }
      if (conversation) {
        await eraseMessages(engine.store, batch, conversation, records)
        engine.conversations.set(batch, conversation)
      }
      await engine.apply(batch)
    })
  }
  if (due.size > 0) await engine.store.scrub?.()
}
