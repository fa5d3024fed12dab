/**
 * The process runtime's `nodesPerProcess`, its pure parts: the option's check, which
 * process a node joins, how many processes a devnet needs (harness/runtime/nodes-per-process.ts),
 * and the host's line protocol (containers/ts-node/host-frames.ts).
 */
import { expect } from 'chai'
import { nodesPerProcessProblem, processCount, processWithRoom } from '../../harness/runtime/nodes-per-process.ts'
import { exitFrame, outputFrames, parseHostCommand, parseHostFrame, startCommand, stopCommand } from '../../containers/ts-node/host-frames.ts'

describe('nodes per process', () => {
  it('the option: a whole number >= 1, above 1 only with the process runtime', () => {
    expect(nodesPerProcessProblem(1, 'process')).to.equal(undefined)
    expect(nodesPerProcessProblem(8, 'process')).to.equal(undefined)
    expect(nodesPerProcessProblem(1, 'docker')).to.equal(undefined)
    expect(nodesPerProcessProblem(0, 'process')).to.match(/whole number >= 1, got 0/)
    expect(nodesPerProcessProblem(2.5, 'process')).to.match(/whole number >= 1/)
    expect(nodesPerProcessProblem(4, 'docker')).to.match(/option of the process runtime; the docker runtime runs one container per node/)
    expect(nodesPerProcessProblem(4, 'swarm')).to.match(/the swarm runtime runs one service per node/)
  })

  it('a node joins the first process with room, in start order; none with room: a new one', () => {
    expect(processWithRoom([])).to.equal(-1)
    expect(processWithRoom([0, 0])).to.equal(-1)
    expect(processWithRoom([0, 3, 1])).to.equal(1)
    // a slot freed by a stopped node (a restart) is taken again before a later process's
    expect(processWithRoom([1, 2])).to.equal(0)
  })

  it('processes a devnet starts: hosting impls in groups, every other node alone', () => {
    const ts = (impl: string): boolean => impl === 'ts'
    expect(processCount(['ts', 'ts', 'ts', 'ts'], 2, ts)).to.equal(2)
    expect(processCount(Array(64).fill('ts'), 8, ts)).to.equal(8)
    expect(processCount(Array(10).fill('ts'), 4, ts)).to.equal(3)
    expect(processCount(['ts', 'go', 'ts', 'go', 'ts'], 4, ts)).to.equal(3)
    expect(processCount(['ts', 'ts', 'ts'], 1, ts)).to.equal(3)
  })
})

describe('TS node host line protocol', () => {
  it('commands round-trip, a config path with spaces included', () => {
    expect(parseHostCommand(startCommand('3', '/tmp/a b/N3.config.json').trimEnd())).to.deep.equal({ kind: 'start', id: '3', configPath: '/tmp/a b/N3.config.json' })
    expect(parseHostCommand(stopCommand('12').trimEnd())).to.deep.equal({ kind: 'stop', id: '12' })
    expect(parseHostCommand('stop')).to.equal(undefined)
    expect(parseHostCommand('start 3')).to.equal(undefined)
    expect(parseHostCommand('launch 3 x')).to.equal(undefined)
  })

  it('output is one frame per line, each back to its node and stream; an exit frame carries the code', () => {
    const text = outputFrames('7', 'stderr', 'node failed to start: Error: x\n    at a (b.ts:1:1)\n')
    expect(text.trimEnd().split('\n').map(parseHostFrame)).to.deep.equal([
      { kind: 'stderr', id: '7', line: 'node failed to start: Error: x' },
      { kind: 'stderr', id: '7', line: '    at a (b.ts:1:1)' }
    ])
    const event = '{"seq":1,"ts":1,"type":"sched"}'
    expect(parseHostFrame(outputFrames('7', 'stdout', event + '\n').trimEnd())).to.deep.equal({ kind: 'stdout', id: '7', line: event })
    expect(parseHostFrame(outputFrames('7', 'stdout', '\n').trimEnd() + ' ')).to.deep.equal({ kind: 'stdout', id: '7', line: '' })
    expect(parseHostFrame(exitFrame('7', 2).trimEnd())).to.deep.equal({ kind: 'exit', id: '7', code: 2 })
  })

  it('a line that is no frame (a stray print of the process) is not taken for one', () => {
    expect(parseHostFrame('Warning: something')).to.equal(undefined)
    expect(parseHostFrame('{"seq":1}')).to.equal(undefined)
    expect(parseHostFrame('7 x nope')).to.equal(undefined)
    expect(parseHostFrame('7 q line')).to.equal(undefined)
  })
})
