import type { Command } from "commander"
import { Home, resolveServerUrl, type Env } from "./home"
import type { Output, Write } from "./output"

/** Everything the CLI takes from its process, passed in so tests can run it in-process. */
export interface CliIo {
  stdout: Write
  stderr: Write
  env: Env
  /** One line of standard input, prompting on a terminal (for secrets that should not sit in shell history). */
  readLine(prompt: string): Promise<string>
  /** Settles at the next SIGINT or SIGTERM; until someone waits for it, they end the process as usual. */
  waitForInterrupt(): Promise<void>
}

/** The options every command accepts. */
export interface GlobalOptions {
  home?: string
  server?: string
  json?: boolean
}

/** What each command needs from the program around it. */
export class CliContext {
  constructor(
    readonly io: CliIo,
    readonly output: Output,
  ) {}

  globals(command: Command): GlobalOptions {
    return command.optsWithGlobals<GlobalOptions>()
  }

  home(command: Command): Home {
    return Home.locate(this.globals(command).home, this.io.env)
  }

  /** The server this home talks to (see resolveServerUrl for the order of preference). */
  serverUrl(command: Command, home: Home): string {
    return resolveServerUrl(this.globals(command).server, home.readConfig()?.serverUrl, this.io.env)
  }
}
