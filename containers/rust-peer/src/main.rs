//! meshflap Rust peer: `meshflap-rust-peer <config.json>`, a reference peer built
//! on rust-libp2p and stock libp2p-gossipsub that follows containers/CONTRACT.md.
//!
//! Exit codes: 0 stopped by SIGTERM/SIGINT or stdin EOF (exitOnStdinClose),
//! 2 bad config or a listen/control address in use, 1 any other failure.
//! Events on stdout (NDJSON), diagnostics on stderr.
//!
//! Start-up order: config, control port (bound, not served), swarm, listeners
//! one by one (to name the one that failed), their addresses, subscriptions,
//! control API served, `ready`, duties, dials to the configured peers.

mod attestation;
mod block;
mod config;
mod control_api;
mod dial_gate;
mod duties;
mod events;
mod identity;
mod leg_book;
mod node;
mod observed_gossip;
mod sched_probe;
mod swarm_build;
mod wire_profile;

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use libp2p::swarm::SwarmEvent;
use libp2p::multiaddr::Protocol;
use libp2p::Multiaddr;
use prometheus_client::registry::Registry;
use tokio::io::AsyncReadExt;
use tokio::signal::unix::{signal, SignalKind};
use tokio::sync::{mpsc, oneshot, watch};

use crate::config::POLICY_STOCK;
use crate::events::EventLog;
use crate::node::{Command, Node};
use crate::sched_probe::SchedProbe;

const EXIT_OK: i32 = 0;
const EXIT_FAILURE: i32 = 1;
const EXIT_BAD_CONFIG: i32 = 2;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build();
    match runtime {
        // Exit without dropping the runtime: its drop would wait for the blocking thread that
        // reads stdin (exitOnStdinClose), which the harness keeps open.
        Ok(rt) => std::process::exit(rt.block_on(run())),
        Err(e) => {
            eprintln!("cannot start the async runtime: {e}");
            std::process::exit(EXIT_FAILURE)
        }
    }
}

fn is_unspecified(p: &Protocol) -> bool {
    match p {
        Protocol::Ip4(ip) => ip.is_unspecified(),
        Protocol::Ip6(ip) => ip.is_unspecified(),
        _ => false,
    }
}

/// A start error: an address in use is a config problem (exit 2).
fn start_failure(file: &str, err: String) -> i32 {
    if err.to_lowercase().contains("address already in use") || err.to_lowercase().contains("address in use") {
        eprintln!("{file}: a listen or control address is already in use: {err}");
        return EXIT_BAD_CONFIG;
    }
    eprintln!("node failed to start: {err}");
    EXIT_FAILURE
}

async fn run() -> i32 {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.len() != 1 {
        eprintln!("usage: meshflap-rust-peer <config.json>");
        return EXIT_BAD_CONFIG;
    }
    let file = args[0].as_str();
    let cfg = match config::load(file) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("{e}");
            return EXIT_BAD_CONFIG;
        }
    };

    let control = match tokio::net::TcpListener::bind((cfg.control.host.as_str(), cfg.control.port)).await {
        Ok(l) => l,
        Err(e) => return start_failure(file, format!("control {}:{}: {e}", cfg.control.host, cfg.control.port)),
    };
    let key = identity::identity_keypair(&cfg.seed_text(), cfg.index);
    let mut swarm = match swarm_build::build(&cfg, key) {
        Ok(s) => s,
        Err(e) => return start_failure(file, e),
    };
    let mut listeners = Vec::new();
    let mut wildcard = std::collections::HashMap::new();
    for l in &cfg.listen {
        let addr: Multiaddr = match l.parse() {
            Ok(a) => a,
            Err(e) => return start_failure(file, format!("listen {l}: {e}")),
        };
        let first = addr.iter().next().map(|p| p.acquire());
        match swarm.listen_on(addr) {
            Ok(id) => {
                listeners.push(id);
                if let Some(ip @ (Protocol::Ip4(_) | Protocol::Ip6(_))) = first.filter(is_unspecified) {
                    wildcard.insert(id, ip);
                }
            }
            Err(e) => return start_failure(file, format!("listen {l}: {e:?}")),
        }
    }

    let events = Arc::new(EventLog::new());
    let (tx, rx) = mpsc::unbounded_channel();
    let mut node = Node::new(cfg.clone(), swarm, events.clone(), tx.clone());

    // Every listener's address (port 0 resolved) before `ready`; a bind that fails late is a start failure.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let mut pending = listeners.clone();
    while !pending.is_empty() {
        let ev = tokio::select! {
            ev = node.swarm.select_next_some() => ev,
            _ = tokio::time::sleep_until(deadline) => return start_failure(file, "listeners did not report an address within 10 s".into()),
        };
        match ev {
            SwarmEvent::NewListenAddr { listener_id, address } => {
                // A wildcard listener is also reported as such, with its port: each interface's
                // address comes on its own and `ready` cannot wait for all of them.
                if let (Some(ip), true) = (wildcard.get(&listener_id), pending.contains(&listener_id)) {
                    let mut any = Multiaddr::empty();
                    any.push(ip.clone());
                    address.iter().skip(1).for_each(|p| any.push(p));
                    node.listen.push(any.to_string());
                }
                pending.retain(|l| *l != listener_id);
                if !node.listen.contains(&address.to_string()) {
                    node.listen.push(address.to_string());
                }
            }
            SwarmEvent::ListenerClosed { reason: Err(e), .. } | SwarmEvent::ListenerError { error: e, .. } => {
                return start_failure(file, format!("listen: {e}"))
            }
            _ => {}
        }
    }
    let subscribe_delay = Duration::from_millis(cfg.duties.subscribe_delay_ms);
    if subscribe_delay.is_zero() && cfg.duties.subscribe_at_ms.is_none() {
        if let Err(e) = node.subscribe() {
            return start_failure(file, e);
        }
    }

    let (genesis_tx, genesis_rx) = watch::channel(cfg.duties.genesis_ms);
    let mut registry = Registry::default();
    registry.register("meshflap_node_events", "Node events emitted, by type", events.counts.clone());
    registry.register("meshflap_node_legs", "Open legs by direction", node.gauges.legs.clone());
    registry.register("meshflap_node_gossip_streams", "Gossip streams held, by direction", node.gauges.gossip_streams.clone());
    let control_url = match control.local_addr() {
        Ok(a) => format!("http://{a}"),
        Err(e) => return start_failure(file, format!("control: {e}")),
    };
    let sched = SchedProbe::new(events.clone());
    let api = Arc::new(control_api::Api { events: events.clone(), registry, tx: tx.clone(), genesis: genesis_tx, sched: sched.clone() });
    let (api_stop_tx, api_stop_rx) = oneshot::channel::<()>();
    let server = tokio::spawn(async move {
        let _ = axum::serve(control, control_api::router(api))
            .with_graceful_shutdown(async move {
                let _ = api_stop_rx.await;
            })
            .await;
    });

    // before `ready`: a harness may stop the node the moment it is ready, and a SIGTERM that arrives
    // before the handlers exist kills the process by signal instead of a clean exit 0
    let (mut term, mut int) = match (signal(SignalKind::terminate()), signal(SignalKind::interrupt())) {
        (Ok(t), Ok(i)) => (t, i),
        _ => return start_failure(file, "cannot install signal handlers".into()),
    };
    events.emit(
        "ready",
        fields! {"name" => cfg.name, "peerId" => node.swarm.local_peer_id().to_string(), "impl" => swarm_build::IMPL,
                 "gossipPolicy" => POLICY_STOCK, "listen" => node.listen, "control" => control_url, "pid" => std::process::id()},
    );
    let swarm_task = tokio::spawn(node.run(rx));
    tokio::spawn(sched.run()); // timer lateness as `sched` events, after `ready` (the first event)
    if let Some(at) = cfg.duties.subscribe_at_ms {
        tokio::spawn(duties::subscribe_at(at, genesis_rx.clone(), tx.clone()));
    }
    tokio::spawn(duties::run(cfg.duties.clone(), genesis_rx, tx.clone()));
    if !subscribe_delay.is_zero() && cfg.duties.subscribe_at_ms.is_none() {
        // legs, streams and publishing (through fanout) work before it
        let tx = tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(subscribe_delay).await;
            let _ = tx.send(Command::Subscribe);
        });
    }
    for p in &cfg.peers {
        // a failure is an error event; the redial is scheduled
        let _ = tx.send(Command::Dial { entry: p.clone(), reply: None });
    }

    let stdin_closed = async {
        if !cfg.exit_on_stdin_close {
            return std::future::pending().await;
        }
        let mut stdin = tokio::io::stdin();
        let mut buf = [0u8; 1024];
        while matches!(stdin.read(&mut buf).await, Ok(n) if n > 0) {}
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
        _ = stdin_closed => {}
    }

    // Stop within 5 s: duties and redials end with the loop, legs are closed (at most 1.5 s), the API stops.
    let (done_tx, done_rx) = oneshot::channel();
    let _ = tx.send(Command::Stop(done_tx));
    let _ = api_stop_tx.send(());
    if tokio::time::timeout(Duration::from_secs(3), done_rx).await.is_err() {
        eprintln!("the swarm did not close within 3 s; exiting anyway");
    }
    swarm_task.abort();
    let _ = tokio::time::timeout(Duration::from_millis(500), server).await;
    EXIT_OK
}
