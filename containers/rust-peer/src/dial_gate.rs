//! The dial gate: only the configured address of a configured peer is ever
//! dialed, never what identify learned (nothing else in this swarm dials on
//! its own: gossipsub has no explicit peers and PX off, identify's address
//! cache is off, and every dial passes its addresses without asking the
//! behaviours for more). In a meshflap run every leg goes through its own proxy.

use std::collections::HashMap;
use std::task::{Context, Poll};

use libp2p::core::{transport::PortUse, Endpoint, Multiaddr};
use libp2p::multiaddr::Protocol;
use libp2p::swarm::{
    dummy, ConnectionDenied, ConnectionId, FromSwarm, NetworkBehaviour, THandler, THandlerInEvent, THandlerOutEvent,
    ToSwarm,
};
use libp2p::PeerId;

#[derive(Default)]
pub struct DialGate {
    allowed: HashMap<PeerId, Multiaddr>,
}

/// The address without a trailing /p2p/<id>.
pub fn strip_p2p(addr: &Multiaddr) -> Multiaddr {
    let mut a = addr.clone();
    if matches!(a.iter().last(), Some(Protocol::P2p(_))) {
        a.pop();
    }
    a
}

#[derive(Debug)]
struct NotConfigured(String);
impl std::fmt::Display for NotConfigured {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}
impl std::error::Error for NotConfigured {}

impl DialGate {
    /// Lets `addr` be dialed for `peer` (replacing its earlier address).
    pub fn allow(&mut self, peer: PeerId, addr: Multiaddr) {
        self.allowed.insert(peer, addr);
    }
}

impl NetworkBehaviour for DialGate {
    type ConnectionHandler = dummy::ConnectionHandler;
    type ToSwarm = std::convert::Infallible;

    fn handle_established_inbound_connection(
        &mut self,
        _: ConnectionId,
        _: PeerId,
        _: &Multiaddr,
        _: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        Ok(dummy::ConnectionHandler)
    }

    fn handle_pending_outbound_connection(
        &mut self,
        _: ConnectionId,
        maybe_peer: Option<PeerId>,
        addresses: &[Multiaddr],
        _: Endpoint,
    ) -> Result<Vec<Multiaddr>, ConnectionDenied> {
        let ok = match maybe_peer.and_then(|p| self.allowed.get(&p)) {
            Some(allowed) => !addresses.is_empty() && addresses.iter().all(|a| strip_p2p(a) == *allowed),
            None => false,
        };
        if ok {
            Ok(vec![])
        } else {
            Err(ConnectionDenied::new(NotConfigured(format!(
                "meshflap: dial to {maybe_peer:?} at {addresses:?} refused: only a configured peer's configured address is dialed"
            ))))
        }
    }

    fn handle_established_outbound_connection(
        &mut self,
        _: ConnectionId,
        peer: PeerId,
        addr: &Multiaddr,
        _: Endpoint,
        _: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        if self.allowed.get(&peer) == Some(&strip_p2p(addr)) {
            Ok(dummy::ConnectionHandler)
        } else {
            Err(ConnectionDenied::new(NotConfigured(format!("meshflap: outbound connection to {peer} at {addr} was not configured"))))
        }
    }

    fn on_swarm_event(&mut self, _: FromSwarm) {}

    fn on_connection_handler_event(&mut self, _: PeerId, _: ConnectionId, ev: THandlerOutEvent<Self>) {
        libp2p::core::util::unreachable(ev)
    }

    fn poll(&mut self, _: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        Poll::Pending
    }
}
