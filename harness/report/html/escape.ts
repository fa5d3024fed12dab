/**
 * Escaping for everything the report pages take from a history (node names,
 * error messages, fault labels, log lines): none of it is trusted markup.
 */

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }

/** Escapes text for an HTML text node or a quoted attribute value. */
export function esc (value: unknown): string {
  return String(value ?? '').replace(/[&<>"']/g, c => HTML_ESCAPES[c] ?? c)
}

/**
 * JSON to embed in `<script type="application/json">`: `<`, `>` and `&` become
 * \u escapes so no string can close the script element or open a comment,
 * and U+2028/2029 are escaped for older JS parsers.
 */
export function jsonForScript (value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029')
}

/** An asset cannot be inlined into the page (missing, or it would end its element early). */
export class ReportAssetError extends Error {
  override name = 'ReportAssetError'
}

/** Inline asset text (CSS or JS read from disk) must not be able to end its element early. */
export function assertInlineSafe (text: string, element: 'script' | 'style', source: string): string {
  if (new RegExp(`</${element}`, 'i').test(text)) throw new ReportAssetError(`${source} contains </${element}> and cannot be inlined`)
  return text
}
