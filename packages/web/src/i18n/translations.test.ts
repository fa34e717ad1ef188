import { readdirSync, readFileSync } from "node:fs"
import { describe, expect, it } from "vitest"
import { languages } from "./languages"

/**
 * Every user-visible string exists in every language. English is the
 * reference; plural keys (`key_one`, `key_other`, …) must be present in each
 * form the language's plural rules use (Arabic has six, Chinese one), and no
 * language may keep keys English no longer has, or drop a placeholder.
 */
type Tree = { [key: string]: string | Tree }
const PLURAL = /_(zero|one|two|few|many|other)$/

const load = (tag: string): Tree =>
  JSON.parse(readFileSync(new URL(`./locales/${tag}.json`, import.meta.url), "utf8")) as Tree

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>()
  for (const [k, v] of Object.entries(tree)) {
    const key = prefix ? `${prefix}.${k}` : k
    if (typeof v === "string") out.set(key, v)
    else for (const [kk, vv] of flatten(v, key)) out.set(kk, vv)
  }
  return out
}

const placeholders = (text: string) => new Set([...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]!))

/** The keys a language must have: plain keys as they are, plural bases in each of its plural forms. */
function expectedKeys(reference: Map<string, string>, tag: string): Set<string> {
  const forms = new Intl.PluralRules(tag).resolvedOptions().pluralCategories
  const keys = new Set<string>()
  for (const key of reference.keys()) {
    if (PLURAL.test(key)) for (const form of forms) keys.add(key.replace(PLURAL, `_${form}`))
    else keys.add(key)
  }
  return keys
}

describe("translations", () => {
  const english = flatten(load("en"))

  it("ships a file for every language and nothing else", () => {
    const files = readdirSync(new URL("./locales/", import.meta.url)).map((f) => f.replace(/\.json$/, ""))
    expect(files.sort()).toEqual(languages.map((l) => l.tag).sort())
  })

  for (const { tag } of languages) {
    it(`${tag} has every key, no stale ones, and the same placeholders`, () => {
      const table = flatten(load(tag))
      const expected = expectedKeys(english, tag)
      const missing = [...expected].filter((k) => !table.has(k))
      const extra = [...table.keys()].filter((k) => !expected.has(k))
      expect(missing, `missing in ${tag}`).toEqual([])
      expect(extra, `not in English (stale) in ${tag}`).toEqual([])
      for (const [key, text] of table) {
        expect(text.trim(), `${tag}:${key} is empty`).not.toBe("")
        if (PLURAL.test(key)) {
          // A plural form may leave the number out ("one message"), but may not invent a placeholder.
          const allowed = new Set(
            [...english]
              .filter(([k]) => k.replace(PLURAL, "") === key.replace(PLURAL, ""))
              .flatMap(([, v]) => [...placeholders(v)]),
          )
          for (const p of placeholders(text)) expect(allowed.has(p), `${tag}:${key} uses {{${p}}}`).toBe(true)
        } else {
          expect([...placeholders(text)].sort(), `${tag}:${key} placeholders`).toEqual(
            [...placeholders(english.get(key)!)].sort(),
          )
        }
      }
    })
  }

  it("every key the code asks for exists in English", () => {
    const used = new Set<string>()
    const sources = readdirSync(new URL("../", import.meta.url), {
      recursive: true,
      encoding: "utf8",
    }).filter((f) => /\.tsx?$/.test(f) && !f.endsWith(".test.ts"))
    for (const file of sources) {
      const text = readFileSync(new URL(`../${file}`, import.meta.url), "utf8")
      for (const m of text.matchAll(/\bt\(\s*"([a-zA-Z][\w.-]*)"/g)) used.add(m[1]!)
    }
    const bases = new Set([...english.keys()].map((k) => k.replace(PLURAL, "")))
    const unknown = [...used].filter((k) => !english.has(k) && !bases.has(k))
    expect(unknown).toEqual([])
    expect(used.size).toBeGreaterThan(100)
  })
})
