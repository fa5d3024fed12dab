/**
 * Writes a run directory's derived files from its history and verdicts:
 *
 *   <run-dir>/history.ndjson   (written by the runner during the run; read here by `meshflap report`)
 *   <run-dir>/<node>.log       (written by the runtime)
 *   <run-dir>/results.json     ┐
 *   <run-dir>/junit.xml        ├ written here, all derived from the history
 *   <run-dir>/report.html      ┘
 *
 * Each file is written to a temporary name and renamed, so a reader never sees half a report.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { History } from '../history/types.ts'
import type { Verdict } from '../oracles/verdict.ts'
import { loadReportAssets, type ReportAssets } from './html/assets.ts'
import { renderReportHtml } from './html/report-html.ts'
import { renderRunJunit } from './junit.ts'
import { renderResultsJson } from './results-json.ts'

export { readHistory, parseHistory, HistoryParseError } from './read-history.ts'

export const RESULTS_FILE = 'results.json'
export const JUNIT_FILE = 'junit.xml'
export const REPORT_FILE = 'report.html'
export const HISTORY_FILE = 'history.ndjson'

/** What to write into a run directory. */
export interface RunDirInput {
  history: History
  verdicts: readonly Verdict[]
  /** versions of what ran, e.g. { meshflap: "0.1.0", node: "v24.21.0" } */
  versions?: Record<string, string>
  /** pass when rendering many runs, to read uPlot and the page assets once */
  assets?: ReportAssets
  signal?: AbortSignal
}

/** Paths of the files written. */
export interface RunDirFiles {
  results: string
  junit: string
  report: string
}

export async function writeRunDir (dir: string, input: RunDirInput): Promise<RunDirFiles> {
  const { history, verdicts, versions = {}, signal } = input
  const assets = input.assets ?? await loadReportAssets()
  signal?.throwIfAborted()
  const files: RunDirFiles = { results: join(dir, RESULTS_FILE), junit: join(dir, JUNIT_FILE), report: join(dir, REPORT_FILE) }
  const contents: Array<[string, string]> = [
    [files.results, renderResultsJson(history, verdicts, { versions })],
    [files.junit, renderRunJunit(history, verdicts, versions)],
    [files.report, renderReportHtml(history, verdicts, { assets, versions })]
  ]
  await mkdir(dir, { recursive: true })
  for (const [path, text] of contents) {
    const tmp = `${path}.${process.pid}.tmp`
    await writeFile(tmp, text, { encoding: 'utf8', ...(signal !== undefined ? { signal } : {}) })
    await rename(tmp, path)
  }
  return files
}
