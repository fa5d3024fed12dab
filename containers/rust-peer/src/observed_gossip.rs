//! Watches stock rust-libp2p gossipsub without changing what it does.
//!
//! gossipsub runs one `Handler` per connection; each holds at most one
//! outbound and one inbound `/meshsub` stream. This wrapper puts a thin
//! handler around each of them that passes every call through unchanged and
//! notes, for its own connection (= leg):
//!
//! ```text
//! FullyNegotiatedInbound  -> an inbound gossip stream opened (a newer one replaces the older)
//! FullyNegotiatedOutbound -> an outbound gossip stream opened
//! OutboundSubstreamRequest from gossipsub -> its outbound stream is gone (it asks only when it has none)
//! DialUpgradeError        -> the outbound stream it asked for did not open
//! handler now Disabled    -> gossipsub dropped both streams (5 stream attempts, or no gossipsub)
//! ```
//!
//! and, around the behaviour, which connection each gossip RPC came in on:
//! the first RPC carrying a message id names the leg of that message's
//! `msg_received` (gossipsub reports the first valid arrival while handling
//! exactly that RPC). What it cannot see: an inbound stream the remote closed
//! or that failed is dropped by gossipsub silently; it is reported when a
//! newer one replaces it or its leg closes (see CONTRACT.md, Rust peer notes).

use std::collections::{HashMap, VecDeque};
use std::task::{Context, Poll};

use either::Either;
use libp2p::core::{transport::PortUse, Endpoint, Multiaddr};
use libp2p::gossipsub::{self, MessageId};
use libp2p::swarm::handler::{ConnectionEvent, DialUpgradeError, FullyNegotiatedInbound, FullyNegotiatedOutbound};
use libp2p::swarm::{
    ConnectionDenied, ConnectionHandler, ConnectionHandlerEvent, ConnectionId, FromSwarm, NetworkBehaviour,
    SubstreamProtocol, THandler, THandlerInEvent, THandlerOutEvent, ToSwarm,
};
use libp2p::PeerId;

use crate::wire_profile::MessageIdFn;

type GsHandler = THandler<gossipsub::Behaviour>;
type GsOut = THandlerOutEvent<gossipsub::Behaviour>;

/// What one connection's gossipsub handler did with its streams.
#[derive(Debug)]
pub enum StreamNote {
    Opened { outbound: bool, protocol: &'static str },
    /// gossipsub asked for a new outbound stream: any outbound stream it had is gone
    OutboundRequested,
    OutboundFailed(String),
    /// gossipsub disabled the handler (too many stream attempts, or no gossipsub): its streams are dropped
    Disabled,
}

/// Events of the wrapped behaviour, for the swarm loop.
#[derive(Debug)]
pub enum ObservedEvent {
    /// first arrival of a valid message, with the leg its RPC came in on
    Message { source: PeerId, id: MessageId, message: gossipsub::Message, leg: Option<ConnectionId> },
    Stream { peer: PeerId, connection: ConnectionId, note: StreamNote },
    Other(gossipsub::Event),
}

fn protocol_of(kind: &str) -> &'static str {
    match kind {
        "Gossipsub v1.3" => "/meshsub/1.3.0",
        "Gossipsub v1.2" => "/meshsub/1.2.0",
        "Gossipsub v1.1" => "/meshsub/1.1.0",
        "Gossipsub v1.0" => "/meshsub/1.0.0",
        _ => "/floodsub/1.0.0",
    }
}

pub struct ObservedHandler {
    inner: GsHandler,
    notes: VecDeque<StreamNote>,
    disabled: bool,
}

impl ObservedHandler {
    fn note_disabled(&mut self) {
        if !self.disabled && matches!(self.inner, GsHandler::Disabled(_)) {
            self.disabled = true;
            self.notes.push_back(StreamNote::Disabled);
        }
    }
}

impl ConnectionHandler for ObservedHandler {
    type FromBehaviour = <GsHandler as ConnectionHandler>::FromBehaviour;
    type ToBehaviour = Either<<GsHandler as ConnectionHandler>::ToBehaviour, StreamNote>;
    type InboundProtocol = <GsHandler as ConnectionHandler>::InboundProtocol;
    type OutboundProtocol = <GsHandler as ConnectionHandler>::OutboundProtocol;
    type InboundOpenInfo = <GsHandler as ConnectionHandler>::InboundOpenInfo;
    type OutboundOpenInfo = <GsHandler as ConnectionHandler>::OutboundOpenInfo;

    fn listen_protocol(&self) -> SubstreamProtocol<Self::InboundProtocol, Self::InboundOpenInfo> {
        self.inner.listen_protocol()
    }

    fn connection_keep_alive(&self) -> bool {
        self.inner.connection_keep_alive()
    }

    fn poll(
        &mut self,
        cx: &mut Context<'_>,
    ) -> Poll<ConnectionHandlerEvent<Self::OutboundProtocol, Self::OutboundOpenInfo, Self::ToBehaviour>> {
        if let Some(note) = self.notes.pop_front() {
            return Poll::Ready(ConnectionHandlerEvent::NotifyBehaviour(Either::Right(note)));
        }
        match self.inner.poll(cx) {
            Poll::Ready(ev) => {
                if matches!(ev, ConnectionHandlerEvent::OutboundSubstreamRequest { .. }) {
                    // the connection polls us again right away: the note follows the request
                    self.notes.push_back(StreamNote::OutboundRequested);
                }
                Poll::Ready(ev.map_custom(Either::Left))
            }
            Poll::Pending => Poll::Pending,
        }
    }

    fn poll_close(&mut self, cx: &mut Context<'_>) -> Poll<Option<Self::ToBehaviour>> {
        self.inner.poll_close(cx).map(|o| o.map(Either::Left))
    }

    fn on_behaviour_event(&mut self, event: Self::FromBehaviour) {
        self.inner.on_behaviour_event(event)
    }

    fn on_connection_event(
        &mut self,
        event: ConnectionEvent<Self::InboundProtocol, Self::OutboundProtocol, Self::InboundOpenInfo, Self::OutboundOpenInfo>,
    ) {
        let note = match &event {
            ConnectionEvent::FullyNegotiatedInbound(FullyNegotiatedInbound { protocol: futures::future::Either::Left((_, kind)), .. }) => {
                Some(StreamNote::Opened { outbound: false, protocol: protocol_of(kind.as_static_ref()) })
            }
            ConnectionEvent::FullyNegotiatedOutbound(FullyNegotiatedOutbound { protocol: (_, kind), .. }) => {
                Some(StreamNote::Opened { outbound: true, protocol: protocol_of(kind.as_static_ref()) })
            }
            ConnectionEvent::DialUpgradeError(DialUpgradeError { error, .. }) => Some(StreamNote::OutboundFailed(error.to_string())),
            _ => None,
        };
        let was_disabled = matches!(self.inner, GsHandler::Disabled(_));
        self.inner.on_connection_event(event);
        // A stream handed to a handler that just disabled itself was dropped with it: not opened.
        if !was_disabled && !matches!(self.inner, GsHandler::Disabled(_)) {
            if let Some(n) = note {
                self.notes.push_back(n);
            }
        } else if let Some(StreamNote::OutboundFailed(e)) = note {
            self.notes.push_back(StreamNote::OutboundFailed(e));
        }
        self.note_disabled();
    }
}

/// Remembers the connection of the first RPC that carried each message id (bounded).
#[derive(Default)]
struct ArrivalLegs {
    by_id: HashMap<Vec<u8>, ConnectionId>,
    order: VecDeque<Vec<u8>>,
}

const MAX_ARRIVALS: usize = 50_000;

impl ArrivalLegs {
    fn note(&mut self, id: Vec<u8>, connection: ConnectionId) {
        if self.by_id.contains_key(&id) {
            return;
        }
        self.by_id.insert(id.clone(), connection);
        self.order.push_back(id);
        while self.order.len() > MAX_ARRIVALS {
            if let Some(old) = self.order.pop_front() {
                self.by_id.remove(&old);
            }
        }
    }
}

pub struct ObservedGossip {
    pub inner: gossipsub::Behaviour,
    notes: VecDeque<ObservedEvent>,
    arrivals: ArrivalLegs,
    /// the devnet's wire profile: the id gossipsub gives a message, to match its arrival leg
    message_id: MessageIdFn,
}

impl ObservedGossip {
    pub fn new(inner: gossipsub::Behaviour, message_id: MessageIdFn) -> Self {
        ObservedGossip { inner, notes: VecDeque::new(), arrivals: ArrivalLegs::default(), message_id }
    }

    fn wrap(inner: GsHandler) -> ObservedHandler {
        ObservedHandler { inner, notes: VecDeque::new(), disabled: false }
    }
}

impl NetworkBehaviour for ObservedGossip {
    type ConnectionHandler = ObservedHandler;
    type ToSwarm = ObservedEvent;

    fn handle_pending_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        local_addr: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<(), ConnectionDenied> {
        self.inner.handle_pending_inbound_connection(connection_id, local_addr, remote_addr)
    }

    fn handle_established_inbound_connection(
        &mut self,
        connection_id: ConnectionId,
        peer: PeerId,
        local_addr: &Multiaddr,
        remote_addr: &Multiaddr,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.inner.handle_established_inbound_connection(connection_id, peer, local_addr, remote_addr).map(Self::wrap)
    }

    fn handle_pending_outbound_connection(
        &mut self,
        connection_id: ConnectionId,
        maybe_peer: Option<PeerId>,
        addresses: &[Multiaddr],
        effective_role: Endpoint,
    ) -> Result<Vec<Multiaddr>, ConnectionDenied> {
        self.inner.handle_pending_outbound_connection(connection_id, maybe_peer, addresses, effective_role)
    }

    fn handle_established_outbound_connection(
        &mut self,
        connection_id: ConnectionId,
        peer: PeerId,
        addr: &Multiaddr,
        role_override: Endpoint,
        port_use: PortUse,
    ) -> Result<THandler<Self>, ConnectionDenied> {
        self.inner
            .handle_established_outbound_connection(connection_id, peer, addr, role_override, port_use)
            .map(Self::wrap)
    }

    fn on_swarm_event(&mut self, event: FromSwarm) {
        self.inner.on_swarm_event(event)
    }

    fn on_connection_handler_event(&mut self, peer: PeerId, connection: ConnectionId, event: THandlerOutEvent<Self>) {
        match event {
            Either::Left(ev) => {
                if let GsOut::Message { rpc, .. } = &ev {
                    for m in &rpc.messages {
                        self.arrivals.note((self.message_id)(m.topic.as_str(), &m.data), connection);
                    }
                }
                self.inner.on_connection_handler_event(peer, connection, ev)
            }
            Either::Right(note) => self.notes.push_back(ObservedEvent::Stream { peer, connection, note }),
        }
    }

    fn poll(&mut self, cx: &mut Context<'_>) -> Poll<ToSwarm<Self::ToSwarm, THandlerInEvent<Self>>> {
        if let Some(n) = self.notes.pop_front() {
            return Poll::Ready(ToSwarm::GenerateEvent(n));
        }
        match self.inner.poll(cx) {
            Poll::Ready(ev) => {
                let arrivals = &mut self.arrivals;
                Poll::Ready(ev.map_out(|e| match e {
                    gossipsub::Event::Message { propagation_source, message_id, message } => {
                        let leg = arrivals.by_id.remove(message_id.0.as_slice());
                        ObservedEvent::Message { source: propagation_source, id: message_id, message, leg }
                    }
                    other => ObservedEvent::Other(other),
                }))
            }
            Poll::Pending => Poll::Pending,
        }
    }
}
