/**
 * Client-side MLS costs with Kith's ciphersuite and crypto provider:
 *
 * - send + receive of a text message with Kith's provider as Node runs it
 *   (node:crypto's Ed25519, HMAC and ChaCha20-Poly1305), as a browser runs it
 *   (WebCrypto Ed25519, the rest in JS), with the pure-JS fallback, and with
 *   ts-mls' own default provider (what Kith used before);
 * - setting up a 1:1 chat (two key packages, create, add, join), beside the
 *   classical X25519 suite measured in the same run;
 * - groups of 50, 500 and 2,000 devices (cryptoGroups.ts).
 */
import {
  createApplicationMessage,
  createCommit,
  createGroup,
  defaultCryptoProvider,
  emptyPskIndex,
  encodeMlsMessage,
  generateKeyPackage,
  getCiphersuiteFromName,
  getCiphersuiteImpl,
  joinGroup,
  processPrivateMessage,
  defaultCapabilities,
  defaultLifetime,
  type CiphersuiteImpl,
  type CiphersuiteName,
  type ClientState,
  type CryptoProvider,
} from "ts-mls"
import { MLS_CIPHERSUITE } from "@kith/protocol"
import { kithCryptoProvider, providerWith } from "../packages/core/src/mlsCryptoProvider"
import { nobleEd25519, webCryptoEd25519 } from "../packages/core/src/nativeEd25519"
import { groupBenchmark, type GroupFigures } from "./cryptoGroups"
import { median } from "./lib/stats"

const BASELINE: CiphersuiteName = "MLS_128_DHKEMX25519_CHACHA20POLY1305_SHA256_Ed25519"
const KITH = MLS_CIPHERSUITE as CiphersuiteName

async function chat(cs: CiphersuiteImpl) {
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

const suiteWith = (name: CiphersuiteName, provider: CryptoProvider) =>
  getCiphersuiteImpl(getCiphersuiteFromName(name), provider)

/** Messages sent before measuring: the first few hundred run colder code (JIT) than the rest. */
const MESSAGE_WARMUP = 200

/**
 * Send + receive of a text-sized message, alternating directions as a
 * conversation does: `iterations` × 10 measured messages after the warm-up
 * (a message takes well under a millisecond, and a median of a few
 * thousand is stable from run to run where one of 200 was not).
 */
async function sendReceiveMs(cs: CiphersuiteImpl, iterations: number): Promise<number[]> {
  const setup = await chat(cs)
  let sender: ClientState = setup.alice
  let receiver: ClientState = setup.bob
  const text = new TextEncoder().encode("a text message of ordinary length, about sixty bytes long!")
  const samples: number[] = []
  for (let i = 0; i < MESSAGE_WARMUP + iterations * 10; i++) {
    const started = performance.now()
    const sent = await createApplicationMessage(sender, text, cs)
    const received = await processPrivateMessage(receiver, sent.privateMessage, emptyPskIndex, cs)
    if (i >= MESSAGE_WARMUP) samples.push(performance.now() - started)
    ;[sender, receiver] = [received.newState, sent.newState]
  }
  return samples
}

async function measureSuite(cs: CiphersuiteImpl, iterations: number) {
  const createChatMs: number[] = []
  for (let i = 0; i < Math.max(3, Math.floor(iterations / 20)); i++)
    createChatMs.push((await chat(cs)).createMs)
  const setup = await chat(cs)
  return {
    suite: cs.name,
    encryptDecryptMs: await sendReceiveMs(cs, iterations),
    createChatMs,
    keyPackageBytes: setup.keyPackageBytes,
    welcomeBytes: setup.welcomeBytes,
  }
}

export interface CryptoReport {
  baselineSuite: string
  /** Both suites with Kith's provider: the table lib/report.ts renders. */
  suites: Awaited<ReturnType<typeof measureSuite>>[]
  /** Kith's suite, send + receive of one text, by where its crypto runs. */
  messages: { nativeMs: number[]; webCryptoMs: number[]; pureJsMs: number[]; libraryDefaultMs: number[] }
  groups: GroupFigures[]
}

export async function cryptoBenchmark({
  iterations,
  quick,
}: {
  iterations: number
  quick: boolean
}): Promise<CryptoReport> {
  const provider = await kithCryptoProvider()
  if (!provider.nativeSignatures || !provider.nativeSymmetric)
    console.warn("this platform lacks node:crypto or native Ed25519: the native figures are partly pure JS")
  const suites = []
  for (const suite of [BASELINE, KITH])
    suites.push(await measureSuite(await suiteWith(suite, provider), iterations))
  const messages = {
    nativeMs: await sendReceiveMs(await suiteWith(KITH, provider), iterations),
    webCryptoMs: await sendReceiveMs(
      await suiteWith(KITH, providerWith(webCryptoEd25519(crypto.subtle), true)),
      iterations,
    ),
    pureJsMs: await sendReceiveMs(await suiteWith(KITH, providerWith(nobleEd25519, false)), iterations),
    libraryDefaultMs: await sendReceiveMs(await suiteWith(KITH, defaultCryptoProvider), iterations),
  }
  // 2,000 devices: no join (ts-mls 1.6 takes minutes to check a tree that size) and no copath
  // filling (its joins), unless BENCH_CRYPTO_LARGE=1 asks for the full run (~10 minutes).
  const large = process.env.BENCH_CRYPTO_LARGE === "1"
  const groups: GroupFigures[] = []
  for (const devices of quick ? [50, 200] : [50, 500, 2000]) {
    const full = devices < 1000 || large
    groups.push(await groupBenchmark({ devices, repeats: devices < 1000 ? 3 : 1, fill: full, join: full }))
  }
  return { baselineSuite: BASELINE, suites, messages, groups }
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : "—")
const med = (values: number[], digits = 1) => (values.length ? fmt(median(values), digits) : "—")
const kb = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${fmt(bytes / 1024 / 1024)} MiB` : `${fmt(bytes / 1024)} KiB`

/** The summary's headline: a text message with native crypto beside the pure-JS fallback. */
export function cryptoSummaryRow(report: CryptoReport): string {
  const native = median(report.messages.nativeMs)
  const pureJs = median(report.messages.pureJsMs)
  return `| MLS: send + receive a text, ms (native Ed25519 / pure JS) | ${fmt(native, 3)} | ${fmt(pureJs, 3)} | ${fmt(native / pureJs, 2)} |`
}

/** The message and group tables (the suite table is in lib/report.ts). */
export function renderCryptoMarkdown(report: CryptoReport): string {
  const m = report.messages
  const native = median(m.nativeMs)
  const lines = [
    `## MLS: a text message, by where its crypto runs (Kith's suite; median of ${m.nativeMs.length} after ${MESSAGE_WARMUP} unmeasured)`,
    "",
    "| send + receive one text | median ms | native / this |",
    "|---|---|---|",
    `| native (node:crypto: Ed25519, HKDF, ChaCha20-Poly1305; keys kept) | ${fmt(native, 3)} | 1.00 |`,
    `| WebCrypto Ed25519, the rest in JS (a browser's path) | ${med(m.webCryptoMs, 3)} | ${fmt(native / median(m.webCryptoMs), 2)} |`,
    `| pure JS (fallback) | ${med(m.pureJsMs, 3)} | ${fmt(native / median(m.pureJsMs), 2)} |`,
    `| ts-mls default provider (before) | ${med(m.libraryDefaultMs, 3)} | ${fmt(native / median(m.libraryDefaultMs), 2)} |`,
    "",
    "## MLS groups (median ms; the tree travels beside the Welcome, sealed)",
    "",
    "| devices | tree | build s | add-one commit | process it | join | remove commit | process it | self-update | process it | commit B (add / remove) | Welcome | tree | member state |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...report.groups.map(
      (g) =>
        `| ${g.devices} | ${g.filled ? "filled" : "after batch"} | ${fmt(g.buildSeconds, 0)} | ${med(g.addCommitMs)} | ${med(g.processAddMs)} | ${med(g.joinMs)} | ${med(g.removeCommitMs)} | ${med(g.processRemoveMs)} | ${med(g.updateCommitMs)} | ${med(g.processUpdateMs)} | ${kb(g.addCommitBytes)} / ${kb(g.removeCommitBytes)} | ${kb(g.welcomeBytes)} | ${kb(g.treeBytes)} | ${kb(g.stateBytes)} |`,
    ),
    "",
  ]
  return lines.join("\n")
}
