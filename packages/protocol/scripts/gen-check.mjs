// Regenerates the protobuf code into a temporary folder and fails if it differs
// from the checked-in src/gen: the schema is the source of truth.
import { execFileSync } from "node:child_process"
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"

const here = new URL("..", import.meta.url).pathname
const out = mkdtempSync(join(tmpdir(), "kith-gen-"))
try {
  execFileSync(
    "npx",
    [
      "buf",
      "generate",
      "proto",
      "--template",
      JSON.stringify({
        version: "v2",
        plugins: [{ local: "protoc-gen-es", out, opt: ["target=ts", "import_extension=none"] }],
      }),
    ],
    { cwd: here, stdio: "inherit" },
  )
  const list = (dir) =>
    readdirSync(dir, { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => relative(dir, join(e.parentPath, e.name)))
      .sort()
  const want = list(out)
  const have = list(join(here, "src/gen"))
  const stale = want.filter(
    (f) =>
      !have.includes(f) ||
      readFileSync(join(out, f), "utf8") !== readFileSync(join(here, "src/gen", f), "utf8"),
  )
  const extra = have.filter((f) => !want.includes(f))
  if (stale.length || extra.length) {
    console.error("Generated protobuf code is out of date; run `npm run gen`.", { stale, extra })
    process.exit(1)
  }
  console.log(`gen:check: ${want.length} generated files match the schema`)
} finally {
  rmSync(out, { recursive: true, force: true })
}
