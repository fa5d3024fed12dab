/**
 * Config rejection (containers/CONTRACT.md sections 1 and 2): a bad config is refused with exit
 * code 2 and a message naming the field, before anything is started. The command is run by hand
 * with configs that are valid but for one field.
 */
import { spawn } from 'node:child_process'
import { writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { check, expectThat } from './check-result.ts'
import type { CheckResult } from './check-result.ts'

const EXIT_WITHIN_MS = 10_000

function validConfig (): Record<string, unknown> {
  return {
    name: 'A', index: 0, seed: 1, listen: ['/ip4/127.0.0.1/udp/0/quic-v1'],
    duties: { genesisMs: Date.now() + 3_600_000, slotMs: 1000 }, exitOnStdinClose: true
  }
}

/** each bad config: what is wrong, and the field its message must name */
const BAD: Array<{ id: string, title: string, field: string, edit: (c: Record<string, unknown>) => void }> = [
  { id: 'config.unknown-field', title: 'an unknown field is refused (exit 2, names the field)', field: 'noSuchField', edit: c => { c.noSuchField = 1 } },
  { id: 'config.bad-wire', title: 'an unknown wire profile is refused (exit 2, names /wire)', field: 'wire', edit: c => { c.wire = 'no-such-profile' } },
  { id: 'config.bad-listen', title: 'a listen address that is no multiaddr is refused (exit 2, names /listen)', field: 'listen', edit: c => { c.listen = ['not-an-address'] } }
]

function runWith (command: string[], file: string): Promise<{ code: number | null, output: string }> {
  return new Promise(resolve => {
    const child = spawn(command[0]!, [...command.slice(1), file], { stdio: ['pipe', 'pipe', 'pipe'] })
    let output = ''
    child.stdout.on('data', (d: Buffer) => { output += d.toString() })
    child.stderr.on('data', (d: Buffer) => { output += d.toString() })
    // a node that accepted the config and started: stop it (stdin EOF, then a kill)
    const timer = setTimeout(() => { child.stdin.end(); setTimeout(() => child.kill('SIGKILL'), 2000).unref() }, EXIT_WITHIN_MS)
    child.on('error', err => { clearTimeout(timer); resolve({ code: null, output: `spawn failed: ${err.message}` }) })
    child.on('exit', code => { clearTimeout(timer); resolve({ code, output }) })
  })
}

export async function configChecks (command: string[], dir: string): Promise<CheckResult[]> {
  const out: CheckResult[] = []
  for (const bad of BAD) {
    const config = validConfig()
    bad.edit(config)
    const file = join(dir, `${bad.id}.json`)
    await writeFile(file, JSON.stringify(config))
    out.push(await check(bad.id, bad.title, async () => {
      const r = await runWith(command, file)
      const said = r.output.trim().split('\n').slice(0, 2).join(' | ').slice(0, 200)
      expectThat(r.code === 2, `exit code ${r.code}, want 2; said: ${said || '(nothing)'}`)
      expectThat(r.output.includes(bad.field), `exit 2 but the message does not name "${bad.field}": ${said}`)
      return `exit 2: ${said}`
    }))
  }
  return out
}
