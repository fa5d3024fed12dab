/**
 * A docker build context assembled from a list of entries (never "the whole
 * project folder"), its content hash, and its tar stream.
 *
 *   entries: { path in context, source file | inline content, mode }
 *      ├─ contentHash(entries, salt)  sha256 over path, mode and content of each
 *      └─ packContext(entries)        a tar (fixed mtime/uid) for POST /build
 */
import { createHash } from 'node:crypto'
import { createReadStream, readFileSync } from 'node:fs'
import type { Stats } from 'node:fs'
import { mkdir, readdir, rename, stat, writeFile } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Readable } from 'node:stream'
import { pack } from 'tar-stream'

/** One file of a build context. */
export interface ContextEntry {
  /** '/'-separated path inside the context */
  path: string
  /** absolute source file, or */
  source?: string
  /** inline content */
  content?: string
  /** 0o755 for executables, 0o644 otherwise */
  mode: number
  /** size:mtime:ctime:inode of the source when listed (saves a stat when hashing) */
  statKey?: string
}

const FIXED_MTIME = new Date('2024-01-01T00:00:00Z')
/** files a running program never reads: type declarations and source maps */
const SKIP_IN_PACKAGES = /\.d\.[cm]?ts$|\.map$/

/** A project file at the same path in the context. */
export async function fileEntry (root: string, rel: string, contextPath: string = rel): Promise<ContextEntry> {
  const st = await stat(join(root, rel))
  return { path: contextPath, source: join(root, rel), mode: (st.mode & 0o111) !== 0 ? 0o755 : 0o644, statKey: statKeyOf(st) }
}

/**
 * Every file of an installed package folder (not its nested node_modules, which
 * are packages of their own in the closure; no symlinks), at `prefix` + its root-relative path.
 */
export async function packageEntries (root: string, packageDir: string, prefix = ''): Promise<ContextEntry[]> {
  const out: ContextEntry[] = []
  const walk = async (rel: string): Promise<void> => {
    const dirents = await readdir(join(root, rel), { withFileTypes: true })
    for (const d of dirents) {
      const child = `${rel}/${d.name}`
      if (d.isDirectory()) {
        if (d.name !== 'node_modules') await walk(child)
      } else if (d.isFile() && !SKIP_IN_PACKAGES.test(d.name)) {
        out.push(await fileEntry(root, child, prefix + child))
      }
    }
  }
  await walk(packageDir)
  return out
}

/**
 * sha256 over every entry (path, mode, content) plus a salt (Dockerfile, base image id,
 * build args). With a cache, a file whose stat (size, mtime, ctime, inode) is unchanged
 * is not read again, as git's index does: a warm check is a few thousand stats.
 */
export async function contentHash (entries: ContextEntry[], salt: string, cache?: HashCache): Promise<string> {
  const total = createHash('sha256')
  total.update(salt)
  total.update('\0')
  for (const e of [...entries].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0)) {
    total.update(`${e.path}\0${e.mode.toString(8)}\0${await fileHash(e, cache)}\n`)
  }
  await cache?.save()
  return total.digest('hex')
}

async function fileHash (e: ContextEntry, cache?: HashCache): Promise<string> {
  const h = createHash('sha256')
  if (e.content !== undefined) return h.update(e.content).digest('hex')
  const source = e.source as string
  const key = e.statKey ?? statKeyOf(await stat(source))
  const known = cache?.get(source, key)
  if (known !== undefined) return known
  for await (const chunk of createReadStream(source)) h.update(chunk as Buffer)
  const digest = h.digest('hex')
  cache?.set(source, key, digest)
  return digest
}

function statKeyOf (st: Stats): string {
  return `${st.size}:${st.mtimeMs}:${st.ctimeMs}:${st.ino}`
}

/** File digests by path and stat, kept in one JSON file between harness runs. */
export class HashCache {
  private readonly file: string
  private entries: Record<string, [string, string]> | undefined
  private dirty = false

  constructor (file: string) {
    this.file = file
  }

  get (path: string, statKey: string): string | undefined {
    const hit = this.load()[path]
    return hit !== undefined && hit[0] === statKey ? hit[1] : undefined
  }

  set (path: string, statKey: string, digest: string): void {
    this.load()[path] = [statKey, digest]
    this.dirty = true
  }

  /** writes the cache (atomically: another harness may read it meanwhile) */
  async save (): Promise<void> {
    if (!this.dirty || this.entries === undefined) return
    await mkdir(dirname(this.file), { recursive: true })
    const tmp = `${this.file}.${process.pid}.tmp`
    await writeFile(tmp, JSON.stringify(this.entries))
    await rename(tmp, this.file)
    this.dirty = false
  }

  private load (): Record<string, [string, string]> {
    if (this.entries !== undefined) return this.entries
    try {
      this.entries = JSON.parse(readFileSync(this.file, 'utf8')) as Record<string, [string, string]>
    } catch {
      this.entries = {} // missing or torn: start over
    }
    return this.entries
  }
}

/** The tar of the context, written as the reader (the engine) takes it. */
export function packContext (entries: ContextEntry[]): Readable {
  const tar = pack()
  const write = async (): Promise<void> => {
    for (const e of entries) {
      const header = { name: e.path, mode: e.mode, mtime: FIXED_MTIME, uid: 0, gid: 0 }
      if (e.content !== undefined) {
        await new Promise<void>((resolve, reject) => { tar.entry(header, e.content as string, err => { err == null ? resolve() : reject(err) }) })
        continue
      }
      const size = (await stat(e.source as string)).size
      await new Promise<void>((resolve, reject) => {
        const entry = tar.entry({ ...header, size }, err => { err == null ? resolve() : reject(err) })
        const file = createReadStream(e.source as string)
        file.on('error', reject)
        file.pipe(entry)
      })
    }
    tar.finalize()
  }
  write().catch((err: unknown) => { tar.destroy(err as Error) })
  // a streamx Readable: pipe() is all the engine client uses
  return tar as unknown as Readable
}
