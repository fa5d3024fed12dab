//! The node's legs (every connection, either direction) and their gossip streams.
//!
//! ```text
//! configured peer --dial(PeerCondition::Always, its addr)--> our outbound leg (redialed with backoff when it closes)
//! remote's dial   ----------------------------------------> our inbound leg  (accepted, never redialed by us)
//! ```
//!
//! rust-libp2p would reuse a connected peer's connection on a plain dial;
//! `PeerCondition::Always` makes every own dial a new connection. TCP dials
//! leave from a new ephemeral port (`allocate_new_port`): with port reuse, two
//! Rust peers' legs in both directions would share one 4-tuple. QUIC dials
//! leave from the listen socket (rust-libp2p's default, as go-libp2p's).

use std::collections::HashMap;

use libp2p::core::ConnectedPoint;
use libp2p::swarm::ConnectionId;
use libp2p::{Multiaddr, PeerId};

use crate::config::PeerEntry;
use crate::dial_gate::strip_p2p;
use crate::events::now_ms;

pub struct StreamRec {
    pub id: String,
    pub outbound: bool,
    pub protocol: &'static str,
}

pub struct Leg {
    pub id: String,
    pub peer: PeerId,
    pub outbound: bool,
    pub transport: &'static str,
    pub remote: String,
    pub local: Option<String>,
    pub opened_at: u64,
    pub streams: Vec<StreamRec>,
}

pub struct PeerDial {
    pub entry: PeerEntry,
    pub addr: Multiaddr,
    pub attempt: u32,
    /// the connection id of our dial in flight
    pub dialing: Option<ConnectionId>,
    /// bumped by every (re)schedule: a timer from an older one is stale
    pub generation: u64,
}

pub fn transport_of(addr: &Multiaddr) -> &'static str {
    if addr.to_string().contains("/quic") {
        "quic"
    } else {
        "tcp"
    }
}

#[derive(Default)]
pub struct LegBook {
    pub legs: HashMap<ConnectionId, Leg>,
    ids: HashMap<ConnectionId, String>,
    next_leg: u64,
    next_stream: u64,
    pub peers: HashMap<PeerId, PeerDial>,
}

impl LegBook {
    /// The leg id of a connection ("c1", "c2", ...), assigned at first sight.
    pub fn leg_id(&mut self, c: ConnectionId) -> String {
        if let Some(id) = self.ids.get(&c) {
            return id.clone();
        }
        self.next_leg += 1;
        let id = format!("c{}", self.next_leg);
        self.ids.insert(c, id.clone());
        id
    }

    pub fn by_id(&self, id: &str) -> Option<ConnectionId> {
        self.legs.iter().find(|(_, l)| l.id == id).map(|(c, _)| *c)
    }

    pub fn opened(&mut self, c: ConnectionId, peer: PeerId, endpoint: &ConnectedPoint) -> &Leg {
        let id = self.leg_id(c);
        let (outbound, remote, local) = match endpoint {
            ConnectedPoint::Dialer { address, .. } => (true, strip_p2p(address), None),
            ConnectedPoint::Listener { local_addr, send_back_addr } => (false, send_back_addr.clone(), Some(local_addr.to_string())),
        };
        let leg = Leg {
            id,
            peer,
            outbound,
            transport: transport_of(&remote),
            remote: remote.to_string(),
            local,
            opened_at: now_ms(),
            streams: Vec::new(),
        };
        self.legs.insert(c, leg);
        &self.legs[&c]
    }

    pub fn closed(&mut self, c: ConnectionId) -> Option<Leg> {
        self.ids.remove(&c);
        self.legs.remove(&c)
    }

    pub fn new_stream_id(&mut self, leg: &str) -> String {
        self.next_stream += 1;
        format!("{leg}/s{}", self.next_stream)
    }

    pub fn has_outbound(&self, peer: &PeerId) -> bool {
        self.legs.values().any(|l| l.outbound && l.peer == *peer)
    }

    /// Peers we hold an outbound gossip stream to, on any leg.
    pub fn gossip_peers(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .legs
            .values()
            .filter(|l| l.streams.iter().any(|s| s.outbound))
            .map(|l| l.peer.to_string())
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn count(&self, outbound: bool) -> (i64, i64) {
        let legs = self.legs.values().filter(|l| l.outbound == outbound).count() as i64;
        let streams = self.legs.values().flat_map(|l| l.streams.iter()).filter(|s| s.outbound == outbound).count() as i64;
        (legs, streams)
    }

    /// The backoff before the next redial: min * 2^attempt, at most max.
    pub fn backoff_ms(min_ms: u64, max_ms: u64, attempt: u32) -> u64 {
        let mut d = min_ms;
        for _ in 0..attempt {
            if d >= max_ms {
                break;
            }
            d = d.saturating_mul(2);
        }
        d.min(max_ms)
    }
}
