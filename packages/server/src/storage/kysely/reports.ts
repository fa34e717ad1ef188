import type { Kysely } from "kysely"
import type { Database } from "../schema"
import type { ReportRecord, ReportStore } from "../store"
import { toNumber } from "../columnTypes"

/** Reports as one row each, the messages kept as the JSON the reporter sent. */
export class KyselyReportStore implements ReportStore {
  constructor(private readonly db: Kysely<Database>) {}

  async add(report: ReportRecord): Promise<void> {
    await this.db
      .insertInto("reports")
      .values({
        id: report.id,
        reason: report.reason,
        messages: JSON.stringify(report.messages),
        expires_at: report.expiresAtMs,
      })
      .execute()
  }

  async list(nowMs: number): Promise<ReportRecord[]> {
    const rows = await this.db
      .selectFrom("reports")
      .selectAll()
      .where("expires_at", ">", nowMs)
      .orderBy("expires_at")
      .execute()
    return rows.map((row) => ({
      id: row.id,
      reason: row.reason,
      messages: JSON.parse(row.messages) as unknown[],
      expiresAtMs: toNumber(row.expires_at),
    }))
  }
}
