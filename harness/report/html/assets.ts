/**
 * What report.html inlines so it opens with no network: uPlot (script + CSS)
 * from node_modules, and the report's own stylesheet and chart script beside
 * this file. Read at render time (once per call, or once for many pages when
 * the caller passes the loaded assets on).
 */
import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { assertInlineSafe, ReportAssetError } from './escape.ts'

/** The texts the report page inlines. */
export interface ReportAssets {
  uplotJs: string
  uplotCss: string
  reportCss: string
  reportJs: string
}

async function read (path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8')
  } catch (err) {
    throw new ReportAssetError(`cannot read report asset ${path}: ${(err as Error).message}`)
  }
}

export async function loadReportAssets (): Promise<ReportAssets> {
  const require = createRequire(import.meta.url)
  const uplotJsPath = require.resolve('uplot/dist/uPlot.iife.min.js')
  const uplotCssPath = require.resolve('uplot/dist/uPlot.min.css')
  const here = (name: string): string => fileURLToPath(new URL(name, import.meta.url))
  const [uplotJs, uplotCss, reportCss, reportJs] = await Promise.all([
    read(uplotJsPath), read(uplotCssPath), read(here('report.css')), read(here('report-client.js'))
  ])
  return {
    uplotJs: assertInlineSafe(uplotJs, 'script', uplotJsPath),
    uplotCss: assertInlineSafe(uplotCss, 'style', uplotCssPath),
    reportCss: assertInlineSafe(reportCss, 'style', 'report.css'),
    reportJs: assertInlineSafe(reportJs, 'script', 'report-client.js')
  }
}
