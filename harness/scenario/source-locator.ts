/**
 * Maps a field path of the parsed YAML back to file:line:col, so an error
 * names the line the user has to change. Built on the `yaml` package's
 * node ranges and LineCounter.
 *
 *   ['faults', 1, 'target', 'bearing-of'] ──> the value node (or, for an unknown
 *   field, its key) ──> offset ──> { line, col }
 *
 * A path that does not exist in the document (a missing field) falls back to
 * the nearest ancestor that does: "missing field x" points at its parent map.
 */
import { isMap, isPair, isScalar, isSeq, type Document, type LineCounter, type Node as YamlNode } from 'yaml'
import type { FieldPath } from './scenario-error.ts'

/** A 1-based position in the file. */
export interface SourcePosition { line: number, col: number }

export class SourceLocator {
  private readonly doc: Document
  private readonly lines: LineCounter

  constructor (doc: Document, lines: LineCounter) {
    this.doc = doc
    this.lines = lines
  }

  /** Position of the value at `path`, or of its nearest existing ancestor. */
  valueAt (path: FieldPath): SourcePosition {
    const { node } = this.walk(path)
    return this.positionOf(node?.range?.[0] ?? 0)
  }

  /** Position of the KEY of the last segment (for an unknown field), else as valueAt. */
  keyAt (path: FieldPath): SourcePosition {
    const parentPath = path.slice(0, -1)
    const last = path.at(-1)
    const { node, complete } = this.walk(parentPath)
    if (complete && isMap(node) && last !== undefined) {
      for (const pair of node.items) {
        if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === String(last) && pair.key.range != null) {
          return this.positionOf(pair.key.range[0])
        }
      }
    }
    return this.valueAt(path)
  }

  private positionOf (offset: number): SourcePosition {
    const pos = this.lines.linePos(offset)
    return { line: pos.line, col: pos.col }
  }

  private walk (path: FieldPath): { node: YamlNode | undefined, complete: boolean } {
    let node = this.doc.contents as YamlNode | null
    for (const seg of path) {
      let next: YamlNode | undefined
      if (isMap(node)) {
        const pair = node.items.find(p => isScalar(p.key) && String(p.key.value) === String(seg))
        // `key:` with no value: the pair exists but its value is null; point at the key then
        next = (pair?.value ?? (pair !== undefined && isScalar(pair.key) ? pair.key : undefined)) as YamlNode | undefined
      } else if (isSeq(node) && typeof seg === 'number') {
        next = node.items[seg] as YamlNode | undefined
      }
      if (next == null) return { node: node ?? undefined, complete: false }
      node = next
    }
    return { node: node ?? undefined, complete: true }
  }
}
