/**
 * `meshflap power --resume DIR`: carry on a power measurement that was cut
 * short (Ctrl-C, a machine that went away, a session that ended). power.json is
 * rewritten after every cell, so what it lists is done; the resumed run skips
 * those cells by key ("<fixture> <variant> seed <n>") and runs the rest into the
 * same folder. The plan may grow: resuming a 5-seed folder with `--seeds 20`
 * keeps the 5 seeds' cells and runs seeds 6-20. Cells the new plan does not
 * have are dropped (and said so); another runtime is refused, since its
 * verdicts are not the same measurement.
 */
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import type { RuntimeName } from '../runtime/runtime.ts'
import type { PowerCellResult } from './power-table.ts'

export interface PowerProgress {
  /** the cells already measured, by key */
  cells: Map<string, PowerCellResult>
  /** wall time already spent on them */
  wallMs: number
}

export class PowerResumeError extends Error {
  override name = 'PowerResumeError'
}

/** Reads DIR/power.json for a resume; throws PowerResumeError naming the file and what is wrong. */
export async function readPowerProgress (dir: string, runtime: RuntimeName): Promise<PowerProgress> {
  const file = join(dir, 'power.json')
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (err) {
    throw new PowerResumeError(`--resume ${dir}: cannot read ${file} (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}); expected the folder of an earlier \`meshflap power\``)
  }
  let json: { cells?: unknown, runtime?: unknown, wallMs?: unknown }
  try {
    json = JSON.parse(text) as typeof json
  } catch (err) {
    throw new PowerResumeError(`--resume ${dir}: ${file} is not JSON (${(err as Error).message})`)
  }
  if (!Array.isArray(json.cells) || !json.cells.every(isCell)) {
    throw new PowerResumeError(`--resume ${dir}: ${file} field "cells": expected a list of power cells (key, fixture, variant, seed, status), as meshflap power writes it`)
  }
  if (json.runtime !== runtime) {
    throw new PowerResumeError(`--resume ${dir}: ${file} field "runtime" is ${JSON.stringify(json.runtime)}, this run's is "${runtime}"; a power table measures one runtime (pass --runtime ${String(json.runtime)})`)
  }
  return { cells: new Map(json.cells.map(c => [c.key, c])), wallMs: typeof json.wallMs === 'number' ? json.wallMs : 0 }
}

function isCell (c: unknown): c is PowerCellResult {
  const x = c as Partial<PowerCellResult> | null
  return typeof x === 'object' && x !== null && typeof x.key === 'string' && typeof x.fixture === 'string' &&
    typeof x.seed === 'number' && typeof x.status === 'string' && typeof x.variant === 'object' && x.variant !== null
}
