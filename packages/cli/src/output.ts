import { toBase64Url } from "@kith/protocol"
import { plainLine, terminalSafeJson } from "./sanitize"

/** What a command hands back: one JSON value for scripts, a few lines for people. */
export interface Printable {
  json: unknown
  text: string[]
}

export type Write = (text: string) => void

/** Bytes travel as base64url, big integers as decimal strings, like everywhere else in Kith. */
function jsonReplacer(_key: string, value: unknown): unknown {
  if (value instanceof Uint8Array) return toBase64Url(value)
  if (typeof value === "bigint") return value.toString()
  if (value instanceof Map) return Object.fromEntries(value)
  if (value instanceof Set) return [...value]
  if (value instanceof Error) return { name: value.name, message: value.message }
  return value
}

export function toJsonText(value: unknown): string {
  return terminalSafeJson(JSON.stringify(value ?? null, jsonReplacer))
}

/**
 * The only way the CLI writes. With --json, stdout carries exactly one JSON
 * value per command (streaming commands: one per line); without it, every
 * human line is made plain first, so no field can smuggle terminal controls.
 */
export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: Write,
    private readonly stderr: Write,
  ) {}

  result(printable: Printable): void {
    if (this.json) this.stdout(toJsonText(printable.json) + "\n")
    else for (const line of printable.text) this.stdout(plainLine(line) + "\n")
  }

  /** One record of a stream (events, progress): always a JSON line, so it can be piped. */
  record(value: unknown): void {
    this.stdout(toJsonText(value) + "\n")
  }

  error(code: string, message: string): void {
    if (this.json) this.stdout(toJsonText({ error: { code, message } }) + "\n")
    else this.stderr(`error: ${plainLine(message)} (${code})\n`)
  }
}
