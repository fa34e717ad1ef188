#!/usr/bin/env bash
# Dependency audit for CI (SECURITY.md, "Dependencies"): fails when npm
# reports any high or critical advisory against the installed tree. Where the
# registry's advisory endpoint cannot be reached (offline mirrors, restricted
# networks) it prints SKIPPED and says why — it never reports a pass it did
# not earn. Any other failure of npm audit fails the script.
set -uo pipefail
cd "$(dirname "$0")/.."

report=$(npm audit --json 2>/dev/null)
status=$?

# npm audit --json prints a JSON object either way: the report, or {"error":…} / {"message":…}.
verdict=$(node -e '
  let input = ""
  process.stdin.on("data", (c) => (input += c)).on("end", () => {
    let r
    try { r = JSON.parse(input) } catch { console.log("broken"); return }
    const v = r.metadata && r.metadata.vulnerabilities
    if (v) { console.log(`counted ${v.critical ?? 0} ${v.high ?? 0} ${v.moderate ?? 0} ${v.low ?? 0}`); return }
    const text = JSON.stringify(r)
    if (/audit endpoint returned an error|ENOTFOUND|ECONNREFUSED|EAI_AGAIN|ETIMEDOUT|405 Method Not Allowed|ECONNRESET/.test(text)) console.log("unreachable")
    else console.log("broken")
  })
' <<<"$report")

case "$verdict" in
  counted*)
    read -r _ critical high moderate low <<<"$verdict"
    if [ "$critical" -gt 0 ] || [ "$high" -gt 0 ]; then
      npm audit --audit-level=high
      echo "npm audit: FAILED — $critical critical and $high high advisories (see above; SECURITY.md says how fast they are fixed)"
      exit 1
    fi
    echo "npm audit: no high or critical advisories ($moderate moderate, $low low)"
    ;;
  unreachable)
    echo "npm audit: SKIPPED — the advisory endpoint is not reachable from this network"
    ;;
  *)
    echo "npm audit: FAILED — npm audit did not produce a report (exit $status):"
    echo "$report" | head -20
    exit 1
    ;;
esac
