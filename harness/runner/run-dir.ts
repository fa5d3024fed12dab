/**
 * The folder of one run, claimed atomically: two runs of the same scenario and
 * seed started in the same millisecond (`power --parallel`, `matrix` lanes,
 * two terminals) must never share one, or the second overwrites the first's
 * node configs and history and a node of one run reads the other's config.
 *
 *   runs/pr278-ts-quic-seed1278-2026-12-02T06-00-44-719Z     first
 *   runs/pr278-ts-quic-seed1278-2026-12-02T06-00-44-719Z-2   the same millisecond
 */
import { mkdir } from 'node:fs/promises'
import { dirname } from 'node:path'

export async function claimRunDir (base: string): Promise<string> {
  await mkdir(dirname(base), { recursive: true })
  for (let n = 1; ; n++) {
    const dir = n === 1 ? base : `${base}-${n}`
    try {
      await mkdir(dir)
      return dir
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err
    }
  }
}
