import { toBase64Url, utf8 } from "@kith/protocol"
import { ed25519 } from "@noble/curves/ed25519.js"
import { describe, expect, it } from "vitest"
import { credentialFor, identifyLeaf, kithAuthService, type LeafIdentity } from "./credential"
import { certifyDevice, keyPairFromSeed, type Identity } from "./identity"
import {
  clientConfigWith,
  commitProposals,
  decodePayload,
  decodeState,
  encodeState,
  encryptApplication,
  epochOf,
  groupMembers,
  joinFromWelcome,
} from "./mlsGroup"
import { localIdentity } from "./testing/localIdentity"
import { addProposal, foundGroup, receivePrivate, testDevice, trustingConfig } from "./testing/mlsTestGroups"

describe("credentials [C1] [C2]", () => {
  it("identify a leaf by its certificate", () => {
    const alice = localIdentity()
    const leaf = identifyLeaf(credentialFor(alice.certificate), alice.device.publicKey)
    expect(leaf.accountId).toBe(toBase64Url(alice.accountId))
    expect(leaf.deviceId).toBe(toBase64Url(alice.deviceId))
  })

  it("refuse a certificate for another device key than the leaf's", () => {
    const alice = localIdentity()
    const mallory = localIdentity()
    expect(() => identifyLeaf(credentialFor(alice.certificate), mallory.device.publicKey)).toThrow(
      /another device key/,
    )
  })

  it("refuse a certificate signed by a key other than the account key it names", async () => {
    const alice = localIdentity()
    const mallory = localIdentity()
    // Mallory certifies her device under Alice's account id and key, signing with her own key.
    const forged = certifyDevice(
      alice.accountId,
      mallory.account,
      mallory.deviceId,
      mallory.device.publicKey,
      0,
    )
    const bytes = forged.slice()
    // Swap in Alice's account key: now the signature no longer matches the key it names.
    const at = indexOf(bytes, mallory.account.publicKey)
    bytes.set(alice.account.publicKey, at)
    const authService = kithAuthService(() => true)
    expect(await authService.validateCredential(credentialFor(bytes), mallory.device.publicKey)).toBe(false)
  })
})

describe("the MLS authentication service", () => {
  it("refuses a forged credential when a member tries to add it", async () => {
    const alice = localIdentity()
    const bob = localIdentity()
    const mallory = localIdentity()
    const a = await testDevice(alice)
    let state = await foundGroup(a)
    // Mallory publishes a key package that carries Bob's certificate but her own signature key.
    const forgedIdentity: Identity = { ...mallory, certificate: bob.certificate }
    const forged = await testDevice(forgedIdentity)
    await expect(
      commitProposals(state, [{ proposalType: "add", add: { keyPackage: forged.keyPackage } }]),
    ).rejects.toThrow()
    // Bob's genuine key package is accepted.
    const genuine = await testDevice(bob)
    const committed = await commitProposals(state, [
      { proposalType: "add", add: { keyPackage: genuine.keyPackage } },
    ])
    state = committed.state
    expect(groupMembers(state).map((m) => m.accountId)).toEqual([
      toBase64Url(alice.accountId),
      toBase64Url(bob.accountId),
    ])
  })

  it("refuses a leaf whose account key differs from the pinned one [C3]", async () => {
    const alice = localIdentity()
    const bob = localIdentity()
    // An impostor account key certifying a device under Bob's account id.
    const impostor = keyPairFromSeed(ed25519.utils.randomSecretKey())
    const fake: Identity = {
      ...bob,
      account: impostor,
      certificate: certifyDevice(bob.accountId, impostor, bob.deviceId, bob.device.publicKey, 0),
    }
    const warnings: LeafIdentity[] = []
    const pinned = new Map([[toBase64Url(bob.accountId), bob.account.publicKey]])
    const pinningConfig = clientConfigWith(
      kithAuthService((leaf) => {
        const key = pinned.get(leaf.accountId)
        if (key && toBase64Url(key) !== toBase64Url(leaf.accountPublicKey)) {
          warnings.push(leaf)
          return false
        }
        return true
      }),
    )
    const a = await testDevice(alice)
    const state = await foundGroup(a, pinningConfig)
    const f = await testDevice(fake)
    await expect(
      commitProposals(state, [{ proposalType: "add", add: { keyPackage: f.keyPackage } }]),
    ).rejects.toThrow()
    expect(warnings.map((w) => w.accountId)).toEqual([toBase64Url(bob.accountId)])
  })
})

describe("groups", () => {
  it("list the members of each epoch's tree, however often asked", async () => {
    const founder = await testDevice()
    let state = await foundGroup(founder)
    const devices = [await testDevice(), await testDevice(), await testDevice()]
    state = (await commitProposals(state, devices.map(addProposal))).state
    const listed = groupMembers(state)
    expect(listed.map((m) => m.leafIndex)).toEqual([0, 1, 2, 3])
    // A caller's changes to the list it got do not reach the next caller.
    listed.pop()
    expect(groupMembers(state)).toHaveLength(4)
    const before = state
    state = (await commitProposals(state, [{ proposalType: "remove", remove: { removed: 2 } }])).state
    expect(groupMembers(state).map((m) => m.leafIndex)).toEqual([0, 1, 3])
    expect(groupMembers(before).map((m) => m.leafIndex)).toEqual([0, 1, 2, 3])
    state = (await commitProposals(state, [addProposal(await testDevice())])).state
    expect(groupMembers(state).map((m) => m.leafIndex)).toEqual([0, 1, 2, 3])
    // A state read back from storage has new tree objects: the same members.
    const decoded = decodeState(encodeState(state), trustingConfig)
    expect(groupMembers(decoded)).toEqual(groupMembers(state))
  })

  it("carry messages both ways, name their sender, and survive encode/decode", async () => {
    const alice = localIdentity()
    const bob = localIdentity()
    const a = await testDevice(alice)
    const b = await testDevice(bob)
    let aliceState = await foundGroup(a)
    const added = await commitProposals(aliceState, [
      { proposalType: "add", add: { keyPackage: b.keyPackage } },
    ])
    aliceState = added.state
    const welcome = decodePayload(added.welcome!)
    if (welcome?.wireformat !== "mls_welcome") throw new Error("expected a Welcome")
    let bobState = await joinFromWelcome(welcome.welcome, b.keyPackage, b.privatePackage, trustingConfig)
    expect(epochOf(bobState)).toBe(epochOf(aliceState))

    const hello = await encryptApplication(aliceState, utf8.encode("hello Bob"))
    aliceState = hello.state
    const received = await receivePrivate(bobState, hello.payload)
    if (received.kind !== "application") throw new Error("expected an application message")
    expect(utf8.decode(received.plaintext)).toBe("hello Bob")
    expect(received.sender.accountId).toBe(toBase64Url(alice.accountId))
    bobState = decodeState(encodeState(received.state), trustingConfig)

    const reply = await encryptApplication(bobState, utf8.encode("hi Alice"))
    const back = await receivePrivate(aliceState, reply.payload)
    if (back.kind !== "application") throw new Error("expected an application message")
    expect(utf8.decode(back.plaintext)).toBe("hi Alice")
    expect(back.sender.deviceId).toBe(toBase64Url(bob.deviceId))
  })
})

function indexOf(haystack: Uint8Array, needle: Uint8Array): number {
  outer: for (let i = 0; i + needle.length <= haystack.length; i++) {
    for (let j = 0; j < needle.length; j++) if (haystack[i + j] !== needle[j]) continue outer
    return i
  }
  throw new Error("not found")
}
