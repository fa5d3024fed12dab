/**
 * The swarm runtime's checks that need no engine: its settings, and what requireSwarm says
 * about an engine that is no swarm manager (a stub answers as dockerd would), before anything
 * is created. Plus the clean-up of a swarm run's objects (services first, the overlay once its tasks
 * left it), the report line with swarm objects and the CLI's runtime choices.
 */
import { expect } from 'chai'
import type Docker from 'dockerode'
import { buildProgram } from '../../harness/cli/main.ts'
import { emptyReport, removeRun, renderCleanReport } from '../../harness/runtime/docker-clean.ts'
import { RUNTIME_NAMES } from '../../harness/runtime/runtime.ts'
import { requireSwarm, SwarmUnavailableError } from '../../harness/runtime/swarm-cluster.ts'
import { dockerAt, SwarmSettingsError, swarmSettingsFromEnv } from '../../harness/runtime/swarm-settings.ts'
import { publishedPorts } from '../../harness/runtime/swarm-service.ts'
import type { SwarmHost } from '../../harness/runtime/swarm-cluster.ts'

/** An engine that answers /_ping, /version, /info and /nodes as told; creates nothing (it has no create calls). */
function stubEngine (swarm: Record<string, unknown>, nodes: unknown[] = []): Docker {
  return {
    modem: { socketPath: '/stub.sock' },
    ping: async () => 'OK',
    version: async () => ({ Version: '20.10.24', ApiVersion: '1.41', Os: 'linux', Arch: 'amd64', KernelVersion: 'x' }),
    info: async () => ({ Swarm: swarm }),
    listNodes: async () => nodes
  } as unknown as Docker
}

const NO_SETTINGS = { engines: new Map<string, string>(), hosts: new Map<string, string>() }

describe('swarm runtime settings and checks (no engine)', () => {
  it('MESHFLAP_SWARM_ENGINES and MESHFLAP_SWARM_HOSTS: key=value lists; `engines` places both fault engines', () => {
    const s = swarmSettingsFromEnv({ MESHFLAP_SWARM_ENGINES: 'b2=unix:///run/b2.sock, c3=tcp://10.0.0.7:2375', MESHFLAP_SWARM_HOSTS: 'A=b2,engines=c3,udp-proxy=b2' })
    expect([...s.engines]).to.deep.equal([['b2', 'unix:///run/b2.sock'], ['c3', 'tcp://10.0.0.7:2375']])
    expect(Object.fromEntries(s.hosts)).to.deep.equal({ A: 'b2', 'udp-proxy': 'b2', toxiproxy: 'c3' })
    expect(swarmSettingsFromEnv({}).engines.size).to.equal(0)
    expect(() => swarmSettingsFromEnv({ MESHFLAP_SWARM_ENGINES: 'b2' })).to.throw(SwarmSettingsError, /"b2" is not key=value/)
    expect(() => dockerAt('ssh://b2')).to.throw(SwarmSettingsError, /no docker host/)
    expect((dockerAt('tcp://10.0.0.7').modem as { port?: number }).port).to.equal(2375)
  })

  it('an engine in no swarm: SwarmUnavailableError saying to `docker swarm init`', async () => {
    const err = await requireSwarm(stubEngine({ LocalNodeState: 'inactive' }), NO_SETTINGS).catch((e: Error) => e)
    expect(err).to.be.instanceOf(SwarmUnavailableError)
    expect((err as Error).message).to.match(/unix:\/\/\/stub.sock is not in a swarm \(swarm state: inactive\): run `docker swarm init`/)
  })

  it('a swarm worker: SwarmUnavailableError saying services need a manager', async () => {
    const err = await requireSwarm(stubEngine({ LocalNodeState: 'active', ControlAvailable: false }), NO_SETTINGS).catch((e: Error) => e)
    expect((err as Error).message).to.match(/is a swarm worker, not a manager/)
  })

  it('a manager: itself first, nodes without an engine entry left out (and said why), the manager\'s 0.0.0.0 address replaced', async () => {
    const nodes = [
      { ID: 'w1', Description: { Hostname: 'worker-1' }, Spec: { Availability: 'active' }, Status: { State: 'ready', Addr: '198.18.231.2' } },
      { ID: 'm1', Description: { Hostname: 'manager' }, Spec: { Availability: 'active' }, Status: { State: 'ready', Addr: '0.0.0.0' }, ManagerStatus: { Addr: '192.0.2.2:2377' } },
      { ID: 'd1', Description: { Hostname: 'drained' }, Spec: { Availability: 'drain' }, Status: { State: 'ready', Addr: '192.0.2.9' } }
    ]
    const cluster = await requireSwarm(stubEngine({ LocalNodeState: 'active', ControlAvailable: true, NodeID: 'm1' }, nodes), NO_SETTINGS)
    expect(cluster.hosts.map(h => [h.hostname, h.addr, h.self])).to.deep.equal([['manager', '192.0.2.2', true]])
    expect(cluster.skipped).to.deep.equal(['worker-1: no engine in MESHFLAP_SWARM_ENGINES', 'drained: ready/drain'])
  })

  it('removeRun on a manager: services, then configs and the overlay, retried while the removed services\' tasks still use them', async () => {
    const done: string[] = []
    let networkTries = 0
    const labels = { 'meshflap.run': 'r1', 'meshflap.owner': 'h/1/2' }
    const manager = {
      info: async () => ({ Swarm: { ControlAvailable: true } }),
      listContainers: async () => [],
      listNetworks: async () => [{ Id: 'n1', Name: 'meshflap-r1', Labels: labels }],
      listServices: async () => [{ ID: 's1', Spec: { Name: 'meshflap-r1-node-A', Labels: labels } }],
      listConfigs: async () => [{ ID: 'c1', Spec: { Name: 'meshflap-r1-node-A', Labels: labels } }],
      getService: (id: string) => ({ remove: async () => { done.push(`service ${id}`) } }),
      getConfig: (id: string) => ({ remove: async () => { done.push(`config ${id}`) } }),
      getNetwork: (id: string) => ({
        remove: async () => {
          // the first try finds the task still attached, as dockerd answers
          if (++networkTries === 1) throw Object.assign(new Error('network meshflap-r1 has active endpoints'), { statusCode: 403 })
          done.push(`network ${id}`)
        }
      })
    } as unknown as Docker
    const report = await removeRun(manager, 'r1')
    expect(done).to.deep.equal(['service s1', 'config c1', 'network n1'])
    expect(report).to.deep.include({ services: ['meshflap-r1-node-A'], configs: ['meshflap-r1-node-A'], networks: ['meshflap-r1'], errors: [] })
  })

  it('published ports: the container\'s binding of the node address\'s family, not whichever PortStatus lists last', async () => {
    // Docker 20.10 with IPv6 binds one target port to different host ports on 0.0.0.0 and ::, and PortStatus lists both
    const task = { Status: { PortStatus: { Ports: [{ TargetPort: 9100, PublishedPort: 32828 }, { TargetPort: 9100, PublishedPort: 32826 }, { TargetPort: 8474, PublishedPort: 32830 }] } } }
    const container = { inspect: async () => ({ NetworkSettings: { Ports: { '9100/tcp': [{ HostIp: '0.0.0.0', HostPort: '32828' }, { HostIp: '::', HostPort: '32826' }], '7000/udp': null } } }) } as unknown as Docker.Container
    const host = (addr: string): { host: SwarmHost } => ({ host: { addr } as SwarmHost })
    expect(Object.fromEntries(await publishedPorts(container, task, host('192.0.2.2')))).to.deep.equal({ 9100: '192.0.2.2:32828', 8474: '192.0.2.2:32830' })
    expect((await publishedPorts(container, task, host('2001:db8::2'))).get(9100)).to.equal('[2001:db8::2]:32826')
    const gone = { inspect: async () => { throw new Error('no such container') } } as unknown as Docker.Container
    expect((await publishedPorts(gone, task, host('192.0.2.2'))).get(9100), 'PortStatus\'s first when the container cannot be read').to.equal('192.0.2.2:32828')
  })

  it('the clean-up line counts services and configs only when there are some; --runtime offers swarm', () => {
    expect(renderCleanReport({ ...emptyReport(), containers: ['c'] })).to.equal('removed 1 container(s), 0 network(s), 0 image(s)')
    expect(renderCleanReport({ ...emptyReport(), networks: ['n'], services: ['s1', 's2'], configs: ['k'] })).to.equal('removed 0 container(s), 1 network(s), 0 image(s), 2 service(s), 1 config(s)')
    expect(RUNTIME_NAMES).to.include('swarm')
    const run = buildProgram().commands.find(c => c.name() === 'run')!
    expect(run.options.find(o => o.long === '--runtime')?.argChoices).to.deep.equal([...RUNTIME_NAMES])
  })
})
