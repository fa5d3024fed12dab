/** Where the project's own files live, resolved from this file (never from the caller's cwd). */
import { fileURLToPath } from 'node:url'
import { join } from 'node:path'

export const PROJECT_ROOT = fileURLToPath(new URL('../../', import.meta.url))
export const TOOLS_BIN = join(PROJECT_ROOT, '.tools', 'bin')
export const TOXIPROXY_BIN = join(TOOLS_BIN, 'toxiproxy-server')
