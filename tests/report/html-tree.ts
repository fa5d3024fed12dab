/** Walks a page parsed by parse5 (an independent HTML parser), for the report tests. */
import { parse } from 'parse5'

/** The parts of a parse5 node the tests read. */
export interface HtmlNode {
  nodeName: string
  tagName?: string
  attrs?: Array<{ name: string, value: string }>
  value?: string
  childNodes?: HtmlNode[]
  content?: HtmlNode
}

export function parseHtml (html: string): HtmlNode {
  return parse(html) as unknown as HtmlNode
}

export function elements (root: HtmlNode): HtmlNode[] {
  const out: HtmlNode[] = []
  const visit = (n: HtmlNode): void => {
    if (n.tagName !== undefined) out.push(n)
    for (const c of n.childNodes ?? []) visit(c)
    if (n.content !== undefined) visit(n.content)
  }
  visit(root)
  return out
}

export function attr (el: HtmlNode, name: string): string | undefined {
  return el.attrs?.find(a => a.name === name)?.value
}

/** Concatenated text of a subtree (entities already decoded by the parser). */
export function textOf (n: HtmlNode): string {
  return textWithout(n, [])
}

/** Like textOf, skipping the text of some elements (e.g. SVG <title> tooltips). */
export function textWithout (n: HtmlNode, skip: readonly string[]): string {
  if (n.nodeName === '#text') return n.value ?? ''
  if (n.tagName !== undefined && skip.includes(n.tagName)) return ''
  return (n.childNodes ?? []).map(c => textWithout(c, skip)).join('')
}

export function byClass (root: HtmlNode, cls: string): HtmlNode[] {
  return elements(root).filter(e => (attr(e, 'class') ?? '').split(/\s+/).includes(cls))
}
