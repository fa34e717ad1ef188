import { acceptAll } from "ts-mls"
import { kithAuthService } from "../credential"
import type { Identity } from "../identity"
import { generateKeyPackageRecord, keyPackageOf, privatePackageOf } from "../keyPackages"
import {
  clientConfigWith,
  commitProposals,
  decodePayload,
  newGroup,
  processGroupMessage,
  type GroupState,
} from "../mlsGroup"
import { localIdentity } from "./localIdentity"

/**
 * MLS groups for tests that need no server: devices made on the spot and a
 * configuration that accepts every credential (the tests of the
 * authentication service bring their own).
 */
export const trustingConfig = clientConfigWith(kithAuthService(() => true))

/** A device's public key package and the private half it joins with. */
export async function testDevice(identity: Identity = localIdentity()) {
  const record = await generateKeyPackageRecord(identity, false)
  return { keyPackage: keyPackageOf(record), privatePackage: privatePackageOf(record, identity) }
}

export type TestDevice = Awaited<ReturnType<typeof testDevice>>

export const addProposal = (device: TestDevice) => ({
  proposalType: "add" as const,
  add: { keyPackage: device.keyPackage },
})

/** A new group whose only member is `founder`. */
export function foundGroup(founder: TestDevice, config = trustingConfig): Promise<GroupState> {
  return newGroup(
    crypto.getRandomValues(new Uint8Array(16)),
    founder.keyPackage,
    founder.privatePackage,
    config,
  )
}

/** A group of `size` fresh devices, all but the founder added in one commit; the founder's state. */
export async function groupOf(size: number): Promise<GroupState> {
  const state = await foundGroup(await testDevice())
  const others = await Promise.all(Array.from({ length: size - 1 }, () => testDevice()))
  return (await commitProposals(state, others.map(addProposal))).state
}

/** Processes a private message (an application message or a commit) sent to the group. */
export async function receivePrivate(state: GroupState, payload: Uint8Array) {
  const message = decodePayload(payload)
  if (message?.wireformat !== "mls_private_message") throw new Error("expected a private message")
  return processGroupMessage(state, message, acceptAll)
}
