import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { homedir } from "node:os"
import { join, resolve } from "node:path"
import { UsageError } from "./failure"

export const DEFAULT_SERVER = "http://127.0.0.1:8080"

/** What a home remembers besides the store: which server the account lives on. */
export interface HomeConfig {
  serverUrl: string
}

export type Env = Readonly<Record<string, string | undefined>>

/**
 * A Kith home: the directory holding one device's store (its private keys,
 * conversations and messages) and a small config. It is private to the user:
 * created with mode 0700, files with 0600.
 */
export class Home {
  readonly dir: string

  constructor(dir: string) {
    this.dir = resolve(dir)
  }

  /** --home, else KITH_HOME, else ~/.kith. */
  static locate(option: string | undefined, env: Env): Home {
    return new Home(option ?? env.KITH_HOME ?? join(homedir(), ".kith"))
  }

  get storePath(): string {
    return join(this.dir, "kith.sqlite")
  }

  private get configPath(): string {
    return join(this.dir, "config.json")
  }

  /** Whether this home already holds a device (registered, restored or linked). */
  hasDevice(): boolean {
    return existsSync(this.storePath)
  }

  ensureExists(): void {
    mkdirSync(this.dir, { recursive: true, mode: 0o700 })
  }

  /**
   * Creates the (empty) store file readable by its owner only, before SQLite
   * opens it: the store holds private keys, and SQLite gives its journal files
   * the permissions of the database file.
   */
  createStoreFile(): void {
    this.ensureExists()
    writeFileSync(this.storePath, new Uint8Array(), { mode: 0o600, flag: "wx" })
  }

  readConfig(): HomeConfig | undefined {
    if (!existsSync(this.configPath)) return undefined
    const parsed: unknown = JSON.parse(readFileSync(this.configPath, "utf8"))
    if (typeof parsed !== "object" || parsed === null) return undefined
    const serverUrl = (parsed as Record<string, unknown>).serverUrl
    return typeof serverUrl === "string" ? { serverUrl } : undefined
  }

  writeConfig(config: HomeConfig): void {
    this.ensureExists()
    writeFileSync(this.configPath, JSON.stringify(config, null, 2) + "\n", { mode: 0o600 })
  }

  /** Local deletion really deletes: the store, its journal files and the config. */
  wipe(): void {
    for (const suffix of ["", "-wal", "-shm", "-journal"]) rmSync(this.storePath + suffix, { force: true })
    rmSync(this.configPath, { force: true })
  }
}

/**
 * The server a command talks to: an explicit --server wins; otherwise the one
 * this home's account was registered on; otherwise KITH_SERVER; otherwise the
 * local default.
 */
export function resolveServerUrl(
  option: string | undefined,
  remembered: string | undefined,
  env: Env,
): string {
  const chosen = option ?? remembered ?? env.KITH_SERVER ?? DEFAULT_SERVER
  return checkServerUrl(chosen)
}

export function checkServerUrl(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new UsageError(`not a server URL: ${text}`)
  }
  if (url.protocol !== "http:" && url.protocol !== "https:") {
    throw new UsageError(`the server URL must start with http:// or https://, got ${text}`)
  }
  return text.replace(/\/+$/, "")
}
