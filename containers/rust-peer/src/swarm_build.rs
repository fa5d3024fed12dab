//! Builds the libp2p swarm for one config: QUIC v1 (libp2p-tls, the config's
//! idle timeout, keep-alive and handshake timeout on dialed AND accepted legs:
//! quinn takes them from one transport config used for both) and TCP (noise +
//! yamux), identify, the dial gate, and stock gossipsub with anonymous
//! (StrictNoSign) messages and the content-addressed message id.

use std::time::Duration;

use libp2p::gossipsub::{self, MessageAuthenticity, MessageId, ValidationMode};
use libp2p::swarm::NetworkBehaviour;
use libp2p::{identify, identity::Keypair, noise, tcp, yamux, Swarm, SwarmBuilder};

use crate::wire_profile;
use crate::config::Config;
use crate::dial_gate::DialGate;
use crate::observed_gossip::ObservedGossip;

/// What this peer reports as its implementation.
pub const IMPL: &str = "rust";

/// Large enough for the schema's largest attestation (paddingBytes up to 1 MiB) plus framing.
const MAX_TRANSMIT_BYTES: usize = 2 * 1024 * 1024;

/// The gate comes first: a dial it refuses is refused before any other behaviour sees it.
#[derive(NetworkBehaviour)]
pub struct NodeBehaviour {
    pub gate: DialGate,
    pub gossip: ObservedGossip,
    pub identify: identify::Behaviour,
}

pub fn gossip_config(cfg: &Config) -> Result<gossipsub::Config, String> {
    let g = &cfg.gossip;
    let message_id = wire_profile::message_id_fn(&cfg.wire);
    // rust-libp2p's own constraint on Dout (mesh_outbound_min <= Dlo, 2 * Dout <= D), kept at
    // its default 2 where that fits; as the Go peer does, also below Dlo.
    let dout = 2.min(g.Dlo.saturating_sub(1)).min(g.D / 2);
    gossipsub::ConfigBuilder::default()
        .mesh_n(g.D)
        .mesh_n_low(g.Dlo)
        .mesh_n_high(g.Dhi)
        .gossip_lazy(g.Dlazy)
        .mesh_outbound_min(dout)
        .heartbeat_interval(Duration::from_millis(g.heartbeat_ms))
        // rust-libp2p waits 5 s before its first heartbeat; go-libp2p-pubsub 100 ms. A meshflap run
        // starts its slots right after the mesh forms, so the Go value.
        .heartbeat_initial_delay(Duration::from_millis(100))
        .validation_mode(ValidationMode::Anonymous)
        .message_id_fn(move |m: &gossipsub::Message| MessageId::from(message_id(m.topic.as_str(), &m.data)))
        .max_transmit_size(MAX_TRANSMIT_BYTES)
        .build()
        .map_err(|e| format!("gossipsub config: {e}"))
}

pub fn build(cfg: &Config, key: Keypair) -> Result<Swarm<NodeBehaviour>, String> {
    let gossip_cfg = gossip_config(cfg)?;
    let q = cfg.quic.clone();
    let swarm = SwarmBuilder::with_existing_identity(key)
        .with_tokio()
        .with_tcp(tcp::Config::default().nodelay(true), noise::Config::new, yamux::Config::default)
        .map_err(|e| format!("tcp transport: {e}"))?
        .with_quic_config(move |mut c| {
            c.max_idle_timeout = q.max_idle_timeout_ms as u32;
            c.keep_alive_interval = Duration::from_millis(q.keep_alive_interval_ms);
            c.handshake_timeout = Duration::from_millis(q.handshake_timeout_ms);
            c
        })
        .with_behaviour(|key| {
            let gossip = gossipsub::Behaviour::new(MessageAuthenticity::Anonymous, gossip_cfg)?;
            let identify = identify::Behaviour::new(
                identify::Config::new("meshflap/1.0.0".into(), key.public())
                    .with_agent_version(format!("meshflap-rust-peer/{}", env!("CARGO_PKG_VERSION")))
                    .with_push_listen_addr_updates(false)
                    // no address book: nothing learned through identify can be dialed
                    .with_cache_size(0),
            );
            Ok(NodeBehaviour { gate: DialGate::default(), gossip: ObservedGossip::new(gossip, wire_profile::message_id_fn(&cfg.wire)), identify })
        })
        .map_err(|e| format!("behaviour: {e}"))?
        // Legs live until closed (by a fault, the API or the peer), never for being idle.
        .with_swarm_config(|c| c.with_idle_connection_timeout(Duration::from_secs(365 * 24 * 3600)))
        .build();
    Ok(swarm)
}
