/**
 * Client-side MLS costs with Kith's ciphersuite, beside a classical X25519
 * suite measured in the same run: encrypt + decrypt of a text-sized message,
 * and setting up a 1:1 chat (two key packages, create, add, join).
 */
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processPrivateMessage,
  defaultCapabilities,
  defaultLifetime,
  type CiphersuiteName,
  type ClientState,
} from "ts-mls"
import { MLS_CIPHERSUITE } from "@kith/protocol"

const BASELINE: CiphersuiteName = "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519"

async function chat(suite: CiphersuiteName) {
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(suite))
  const credential = (name: string) => ({
    credentialType: "basic" as const,
    identity: new TextEncoder().encode(name),
  })
  const started = performance.now()
  const alice = await generateKeyPackage(credential("alice"), defaultCapabilities(), defaultLifetime, [], cs)
  const bob = await generateKeyPackage(credential("bob"), defaultCapabilities(), defaultLifetime, [], cs)
  const group = await createGroup(
    crypto.getRandomValues(new Uint8Array(16)),
    alice.publicPackage,
    alice.privatePackage,
    [],
    cs,
  )
  const commit = await createCommit(
    { state: group, cipherSuite: cs },
    {
      extraProposals: [{ proposalType: "add", add: { keyPackage: bob.publicPackage } }],
      ratchetTreeExtension: true,
    },
  )
  const bobState = await joinGroup(commit.welcome!, bob.publicPackage, bob.privatePackage, emptyPskIndex, cs)
  const createMs = performance.now() - started
  return {
    cs,
    createMs,
    alice: commit.newState,
    bob: bobState,
    keyPackageBytes: encodeMlsMessage({
      keyPackage: bob.publicPackage,
      wireformat: "mls_key_package",
      version: "mls10",
    }).length,
    welcomeBytes: encodeMlsMessage({ welcome: commit.welcome!, wireformat: "mls_welcome", version: "mls10" })
      .length,
  }
}

async function measureSuite(suite: CiphersuiteName, iterations: number) {
  const createChatMs: number[] = []
  for (let i = 0; i < Math.max(3, Math.floor(iterations / 20)); i++)
    createChatMs.push((await chat(suite)).createMs)
  const setup = await chat(suite)
  let sender: ClientState = setup.alice
  let receiver: ClientState = setup.bob
  const text = new TextEncoder().encode("a text message of ordinary length, about sixty bytes long!")
  const encryptDecryptMs: number[] = []
  for (let i = 0; i < iterations; i++) {
    const started = performance.now()
    const sent = await createApplicationMessage(sender, text, setup.cs)
    const received = await processPrivateMessage(receiver, sent.privateMessage, emptyPskIndex, setup.cs)
    encryptDecryptMs.push(performance.now() - started)
    sender = sent.newState
    receiver = received.newState
    ;[sender, receiver] = [receiver, sender] // alternate directions, as a conversation does
  }
  return {
    suite,
    encryptDecryptMs,
    createChatMs,
    keyPackageBytes: setup.keyPackageBytes,
    welcomeBytes: setup.welcomeBytes,
  }
}

export async function cryptoBenchmark({ iterations }: { iterations: number }) {
  const suites = []
  for (const suite of [BASELINE, MLS_CIPHERSUITE as CiphersuiteName])
    suites.push(await measureSuite(suite, iterations))
  return { baselineSuite: BASELINE, suites }
}
