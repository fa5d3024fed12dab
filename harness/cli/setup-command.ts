/** `meshflap setup`: builds toxiproxy-server and the Go peer into set-up's folder, and says where. */
import { SetupError, setupTools } from '../tools/setup-tools.ts'
import { EXIT } from './exit-codes.ts'

export function setupCommand (): number {
  try {
    const r = setupTools({ say: line => { process.stderr.write(`[setup] ${line}\n`) } })
    const where = r.tools.source === 'checkout' ? 'the checkout' : r.tools.source === 'MESHFLAP_CACHE_DIR' ? 'MESHFLAP_CACHE_DIR' : 'the user cache; set MESHFLAP_CACHE_DIR to move it'
    for (const s of r.skipped) process.stderr.write(`[setup] skipped ${s}\n`)
    process.stdout.write(`tools in ${r.tools.bin} (${where}): ${[...r.built.map(b => `${b} built`), ...r.upToDate.map(u => `${u} up to date`), ...r.skipped.map(s => `${s.split(':')[0] ?? s} skipped`)].join(', ')}\n`)
    return EXIT.pass
  } catch (err) {
    if (err instanceof SetupError) { process.stderr.write(`${err.message}\n`); return EXIT.badInput }
    throw err
  }
}
