/**
 * Report renderers: pure functions of a run history and its verdicts.
 *
 *   history + verdicts ─┬─ runResults / renderResultsJson  -> results.json
 *                       ├─ renderJunit / renderRunJunit    -> junit.xml (mergeJunitXml for many)
 *                       ├─ renderReportHtml                -> report.html (self-contained)
 *                       └─ writeRunDir                     -> all three into a run directory
 *   many runs ──────────── renderSummaryHtml               -> summary.html (matrix/gate)
 *   history.ndjson ─────── readHistory / parseHistory      -> history (for `meshflap report`)
 */
export { runResults, renderResultsJson, parseResults, ResultsParseError, RESULTS_FORMAT } from './results-json.ts'
export type { RunResults, ResultsNode, ResultsOptions } from './results-json.ts'
export { renderJunit, renderRunJunit, mergeJunitXml, JunitMergeError, xmlText } from './junit.ts'
export type { JunitRun } from './junit.ts'
export { renderReportHtml } from './html/report-html.ts'
export type { ReportHtmlOptions } from './html/report-html.ts'
export { loadReportAssets } from './html/assets.ts'
export type { ReportAssets } from './html/assets.ts'
export { ReportAssetError } from './html/escape.ts'
export { writeRunDir, RESULTS_FILE, JUNIT_FILE, REPORT_FILE, HISTORY_FILE } from './write-run-dir.ts'
export type { RunDirInput, RunDirFiles } from './write-run-dir.ts'
export { readHistory, parseHistory, historyToNdjson, HistoryParseError } from './read-history.ts'
export type { ReadHistoryOptions } from './read-history.ts'
export { renderSummaryHtml, reportHref } from './summary-html.ts'
export type { SummaryRun, SummaryOptions } from './summary-html.ts'
export { overallStatus, runLabel, runVariant, formatFinding, formatRunTime } from './run-label.ts'
export type { RunVariant } from './run-label.ts'
export { buildRunView, HistoryShapeError } from './run-view.ts'
export type { RunView } from './run-view.ts'
