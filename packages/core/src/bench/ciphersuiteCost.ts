/**
 * What Kith's MLS ciphersuite costs beside the classical X25519 suite, with
 * Kith's own credentials (device certificates checked by the authentication
 * service): key packages, creating a group, adding a member, joining, a
 * message's encrypt + decrypt, and adding one device to a group of 50.
 *
 *   npx tsx packages/core/src/bench/ciphersuiteCost.ts [iterations]
 *
 * Prints a Markdown table (medians, in ms; sizes in bytes) for docs/crypto.md.
 */
import { MLS_CIPHERSUITE } from "@kith/protocol"
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  defaultCapabilities,
  defaultLifetime,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackageWithKey,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processPrivateMessage,
  type CiphersuiteImpl,
  type CiphersuiteName,
  type ClientState,
  type KeyPackage,
  type PrivateKeyPackage,
} from "ts-mls"
import { credentialFor, kithAuthService } from "../credential"
import { clientConfigWith } from "../mlsGroup"
import { localIdentity } from "../testing/localIdentity"

const BASELINE: CiphersuiteName = "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519"
const config = clientConfigWith(kithAuthService(() => true))
const text = new TextEncoder().encode("a text message of ordinary length, about sixty bytes long!")

interface Member {
  publicPackage: KeyPackage
  privatePackage: PrivateKeyPackage
}

async function member(cs: CiphersuiteImpl): Promise<Member> {
  const identity = localIdentity()
  return generateKeyPackageWithKey(
    credentialFor(identity.certificate),
    defaultCapabilities(),
    defaultLifetime,
    [],
    { signKey: identity.device.privateKey, publicKey: identity.device.publicKey },
    cs,
  )
}

const add = (m: Member) => ({ proposalType: "add" as const, add: { keyPackage: m.publicPackage } })

async function time<T>(samples: number[], task: () => Promise<T>): Promise<T> {
  const started = performance.now()
  const result = await task()
  samples.push(performance.now() - started)
  return result
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** A group of `size` members as its creator sees it, plus the last joiner's state. */
async function groupOf(
  cs: CiphersuiteImpl,
  size: number,
): Promise<{ creator: ClientState; last: ClientState }> {
  const creator = await member(cs)
  let state = await createGroup(
    crypto.getRandomValues(new Uint8Array(16)),
    creator.publicPackage,
    creator.privatePackage,
    [],
    cs,
    config,
  )
  const others = await Promise.all(Array.from({ length: size - 1 }, () => member(cs)))
  const commit = await createCommit(
    { state, cipherSuite: cs },
    { extraProposals: others.map(add), ratchetTreeExtension: true },
  )
  state = commit.newState
  const lastOne = others.at(-1)!
  const last = await joinGroup(
    commit.welcome!,
    lastOne.publicPackage,
    lastOne.privatePackage,
    emptyPskIndex,
    cs,
    undefined,
    undefined,
    config,
  )
  return { creator: state, last }
}

async function measure(suite: CiphersuiteName, iterations: number) {
  const cs = await getCiphersuiteImpl(getCiphersuiteFromName(suite))
  const s = {
    keyPackage: [] as number[],
    create: [] as number[],
    add: [] as number[],
    join: [] as number[],
    message: [] as number[],
  }
  const at50 = { add: [] as number[], process: [] as number[], join: [] as number[] }
  let keyPackageBytes = 0
  let welcomeBytes = 0
  let welcome50Bytes = 0
  let commit50Bytes = 0
  for (let i = 0; i < Math.max(5, iterations / 10); i++) {
    const a = await time(s.keyPackage, () => member(cs))
    const b = await member(cs)
    const group = await time(s.create, () =>
      createGroup(
        crypto.getRandomValues(new Uint8Array(16)),
        a.publicPackage,
        a.privatePackage,
        [],
        cs,
        config,
      ),
    )
    const commit = await time(s.add, () =>
      createCommit(
        { state: group, cipherSuite: cs },
        { extraProposals: [add(b)], ratchetTreeExtension: true },
      ),
    )
    await time(s.join, () =>
      joinGroup(
        commit.welcome!,
        b.publicPackage,
        b.privatePackage,
        emptyPskIndex,
        cs,
        undefined,
        undefined,
        config,
      ),
    )
    keyPackageBytes = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_key_package",
      keyPackage: b.publicPackage,
    }).length
    welcomeBytes = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_welcome",
      welcome: commit.welcome!,
    }).length
  }
  // Messages, alternating direction as a conversation does.
  let { creator: sender, last: receiver } = await groupOf(cs, 2)
  for (let i = 0; i < iterations; i++) {
    await time(s.message, async () => {
      const sent = await createApplicationMessage(sender, text, cs)
      const got = await processPrivateMessage(receiver, sent.privateMessage, emptyPskIndex, cs)
      sender = sent.newState
      receiver = got.newState
    })
    ;[sender, receiver] = [receiver, sender]
  }
  // One more device into a group of 50: the committer's cost, an existing member's, the joiner's.
  for (let i = 0; i < 3; i++) {
    const { creator, last } = await groupOf(cs, 50)
    const newcomer = await member(cs)
    const commit = await time(at50.add, () =>
      createCommit(
        { state: creator, cipherSuite: cs },
        { extraProposals: [add(newcomer)], ratchetTreeExtension: true },
      ),
    )
    if (commit.commit.wireformat !== "mls_private_message") throw new Error("expected a private commit")
    const pm = commit.commit.privateMessage
    await time(at50.process, () => processPrivateMessage(last, pm, emptyPskIndex, cs))
    await time(at50.join, () =>
      joinGroup(
        commit.welcome!,
        newcomer.publicPackage,
        newcomer.privatePackage,
        emptyPskIndex,
        cs,
        undefined,
        undefined,
        config,
      ),
    )
    welcome50Bytes = encodeMlsMessage({
      version: "mls10",
      wireformat: "mls_welcome",
      welcome: commit.welcome!,
    }).length
    commit50Bytes = encodeMlsMessage(commit.commit).length
  }
  return {
    suite,
    keyPackageMs: median(s.keyPackage),
    createMs: median(s.create),
    addMs: median(s.add),
    joinMs: median(s.join),
    messageMs: median(s.message),
    keyPackageBytes,
    welcomeBytes,
    add50Ms: median(at50.add),
    process50Ms: median(at50.process),
    join50Ms: median(at50.join),
    commit50Bytes,
    welcome50Bytes,
  }
}

const iterations = Number(globalThis.process?.argv[2] ?? 200)
// Warm the JIT for both suites first, so the one measured first is not penalised.
for (const suite of [BASELINE, MLS_CIPHERSUITE as CiphersuiteName]) await measure(suite, 20)
const rows = []
for (const suite of [BASELINE, MLS_CIPHERSUITE as CiphersuiteName])
  rows.push(await measure(suite, iterations))
const columns = Object.keys(rows[0]!).filter((k) => k !== "suite") as (keyof (typeof rows)[0])[]
console.log(`| measure | ${rows.map((r) => r.suite).join(" | ")} | ratio |`)
console.log(`|---|${rows.map(() => "---:").join("|")}|---:|`)
for (const column of columns) {
  const values = rows.map((r) => r[column] as number)
  const format = (v: number) => (column.endsWith("Bytes") ? String(v) : v.toFixed(2))
  console.log(`| ${column} | ${values.map(format).join(" | ")} | ${(values[1]! / values[0]!).toFixed(2)} |`)
}
