/** The two-node devnet scenario lives with the conformance checks that use it (harness/conform/). */
export { pairScenario } from '../../harness/conform/pair-scenario.ts'
