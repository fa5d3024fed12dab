//! The swarm loop: one task owns the swarm and the leg book; the control API
//! and the duties talk to it through `Command`s. It turns swarm events into
//! the contract's events (leg_open/close, stream_open/close, msg_received),
//! dials our own legs and redials them with backoff.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use libp2p::gossipsub::{self, IdentTopic, PublishError, TopicHash};
use libp2p::swarm::dial_opts::{DialOpts, PeerCondition};
use libp2p::swarm::{ConnectionError, ConnectionId, SwarmEvent};
use libp2p::{Multiaddr, PeerId, Swarm};
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use serde_json::{json, Value};
use tokio::sync::{mpsc, oneshot};

use crate::attestation::{self, Attestation};
use crate::block::{self, Block};
use crate::config::{Config, PeerEntry, Redial, POLICY_STOCK};
use crate::events::{now_ms, EventLog, Fields};
use crate::fields;
use crate::leg_book::{LegBook, PeerDial, StreamRec};
use crate::observed_gossip::{ObservedEvent, StreamNote};
use crate::swarm_build::{NodeBehaviour, NodeBehaviourEvent, IMPL};

pub type Reply<T> = oneshot::Sender<T>;

pub enum Command {
    Status(Reply<Value>),
    CloseLeg { id: String, reply: Reply<bool> },
    Dial { entry: PeerEntry, reply: Option<Reply<Result<String, String>>> },
    Publish { slot: u64, validator: u64, reply: Option<Reply<Fields>> },
    SetRedial { enabled: bool, reply: Reply<()> },
    Redial { peer: PeerId, generation: u64 },
    /// subscribe to every subnet topic (at start, or `duties.subscribeDelayMs` after it)
    Subscribe,
    /// propose this node's block for the slot now
    PublishBlock { slot: u64 },
    Stop(Reply<()>),
}

/// Gauges read by GET /metrics, kept current by the loop.
#[derive(Clone, Default)]
pub struct NodeGauges {
    pub legs: Family<Vec<(String, String)>, Gauge>,
    pub gossip_streams: Family<Vec<(String, String)>, Gauge>,
}

pub struct Node {
    pub cfg: Config,
    pub swarm: Swarm<NodeBehaviour>,
    pub events: Arc<EventLog>,
    pub gauges: NodeGauges,
    pub book: LegBook,
    pub listen: Vec<String>,
    redial: Redial,
    tx: mpsc::UnboundedSender<Command>,
    pending_dials: Vec<(ConnectionId, Reply<Result<String, String>>)>,
    closing_by_api: Vec<ConnectionId>,
    stopped: bool,
}

impl Node {
    pub fn new(cfg: Config, swarm: Swarm<NodeBehaviour>, events: Arc<EventLog>, tx: mpsc::UnboundedSender<Command>) -> Self {
        let redial = cfg.redial.clone();
        let node = Node {
            cfg,
            swarm,
            events,
            gauges: NodeGauges::default(),
            book: LegBook::default(),
            listen: Vec::new(),
            redial,
            tx,
            pending_dials: Vec::new(),
            closing_by_api: Vec::new(),
            stopped: false,
        };
        node.update_gauges(); // every gauge is there from the start, at 0
        node
    }

    /// The topics we subscribe to: our subnets (all, or duties.subscribeSubnets) and, with a block duty, the block topic.
    pub fn topics(&self) -> Vec<String> {
        let d = &self.cfg.duties;
        let mut topics = match &d.subscribe_subnets {
            Some(subnets) => subnets.iter().map(|s| attestation::topic(&d.fork_digest, *s)).collect(),
            None => attestation::all_topics(&d.fork_digest, d.subnets),
        };
        if d.blocks.is_some() {
            topics.push(block::topic(&d.fork_digest));
        }
        topics
    }

    /// Subscribes to our topics; gossipsub sends the SUBSCRIBEs to every connected peer.
    pub fn subscribe(&mut self) -> Result<(), String> {
        for t in self.topics() {
            self.swarm.behaviour_mut().gossip.inner.subscribe(&IdentTopic::new(t.clone())).map_err(|e| format!("subscribe {t}: {e}"))?;
        }
        Ok(())
    }

    /// Runs until a Stop command; then closes every leg (at most `grace`) and returns.
    pub async fn run(mut self, mut rx: mpsc::UnboundedReceiver<Command>) {
        loop {
            tokio::select! {
                ev = self.swarm.select_next_some() => self.on_swarm_event(ev),
                cmd = rx.recv() => match cmd {
                    Some(Command::Stop(reply)) => { self.shutdown().await; let _ = reply.send(()); return; }
                    Some(cmd) => self.on_command(cmd),
                    None => return,
                },
            }
        }
    }

    async fn shutdown(&mut self) {
        self.stopped = true;
        let conns: Vec<ConnectionId> = self.book.legs.keys().copied().collect();
        for c in conns {
            self.swarm.close_connection(c);
        }
        let deadline = tokio::time::sleep(Duration::from_millis(1500));
        tokio::pin!(deadline);
        while !self.book.legs.is_empty() {
            tokio::select! {
                ev = self.swarm.select_next_some() => self.on_swarm_event(ev),
                _ = &mut deadline => break,
            }
        }
    }

    fn on_command(&mut self, cmd: Command) {
        match cmd {
            Command::Status(reply) => {
                let _ = reply.send(self.status());
            }
            Command::CloseLeg { id, reply } => {
                let found = self.book.by_id(&id);
                if let Some(c) = found {
                    self.closing_by_api.push(c);
                    self.swarm.close_connection(c);
                }
                let _ = reply.send(found.is_some());
            }
            Command::Dial { entry, reply } => self.add_peer(entry, reply),
            Command::Publish { slot, validator, reply } => {
                let f = self.publish(slot, validator);
                if let Some(r) = reply {
                    let _ = r.send(f);
                }
            }
            Command::SetRedial { enabled, reply } => {
                self.redial.enabled = enabled;
                for p in self.book.peers.values_mut() {
                    p.generation += 1; // cancels timers in flight
                }
                if enabled {
                    let peers: Vec<PeerId> = self.book.peers.keys().copied().collect();
                    for p in peers {
                        self.ensure_outbound(p);
                    }
                }
                let _ = reply.send(());
            }
            Command::Redial { peer, generation } => {
                let due = self.book.peers.get(&peer).is_some_and(|p| p.generation == generation && p.dialing.is_none());
                if due && !self.stopped && self.redial.enabled && !self.book.has_outbound(&peer) {
                    self.dial(peer, None);
                }
            }
            Command::PublishBlock { slot } => self.publish_block(slot),
            Command::Subscribe => {
                if let Err(e) = self.subscribe() {
                    self.events.emit("error", fields! {"message" => e});
                }
            }
            Command::Stop(_) => unreachable!("handled in run"),
        }
    }

    // --- legs: our own dials and redials ---

    /// Adds (or re-points) a configured peer and dials our outbound leg to it now.
    fn add_peer(&mut self, entry: PeerEntry, reply: Option<Reply<Result<String, String>>>) {
        let peer: PeerId = match entry.peer_id.parse() {
            Ok(p) => p,
            Err(e) => return fail(reply, format!("bad peer id {:?}: {e}", entry.peer_id)),
        };
        let addr: Multiaddr = match entry.addr.parse() {
            Ok(a) => a,
            Err(e) => return fail(reply, format!("bad addr {:?}: {e}", entry.addr)),
        };
        let generation = self.book.peers.get(&peer).map_or(0, |p| p.generation + 1);
        self.swarm.behaviour_mut().gate.allow(peer, addr.clone());
        self.book.peers.insert(peer, PeerDial { entry, addr, attempt: 0, dialing: None, generation });
        self.dial(peer, reply);
    }

    fn dial(&mut self, peer: PeerId, reply: Option<Reply<Result<String, String>>>) {
        let Some(st) = self.book.peers.get(&peer) else { return };
        let addr = st.addr.clone();
        let who = st.entry.name.clone().map_or(peer.to_string(), |n| format!("{n} ({peer})"));
        let opts = DialOpts::peer_id(peer).addresses(vec![addr.clone()]).condition(PeerCondition::Always);
        let opts = if crate::leg_book::transport_of(&addr) == "tcp" { opts.allocate_new_port() } else { opts }.build();
        let conn = opts.connection_id();
        match self.swarm.dial(opts) {
            Ok(()) => {
                if let Some(st) = self.book.peers.get_mut(&peer) {
                    st.dialing = Some(conn);
                }
                if let Some(r) = reply {
                    self.pending_dials.push((conn, r));
                }
            }
            Err(e) => {
                let msg = format!("dial {who} at {addr} failed: {e}");
                self.events.emit("error", fields! {"message" => msg.clone(), "peer" => peer.to_string(), "addr" => addr.to_string()});
                self.schedule_redial(peer);
                fail(reply, msg);
            }
        }
    }

    fn ensure_outbound(&mut self, peer: PeerId) {
        let dialing = self.book.peers.get(&peer).is_some_and(|p| p.dialing.is_some());
        if !dialing && !self.book.has_outbound(&peer) {
            self.schedule_redial(peer);
        }
    }

    fn schedule_redial(&mut self, peer: PeerId) {
        if self.stopped || !self.redial.enabled {
            return;
        }
        let Some(st) = self.book.peers.get_mut(&peer) else { return };
        let delay = LegBook::backoff_ms(self.redial.min_ms, self.redial.max_ms, st.attempt);
        st.attempt += 1;
        st.generation += 1;
        let generation = st.generation;
        let tx = self.tx.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(delay)).await;
            let _ = tx.send(Command::Redial { peer, generation });
        });
    }

    fn finish_dial(&mut self, conn: ConnectionId, result: Result<String, String>) {
        if let Some(i) = self.pending_dials.iter().position(|(c, _)| *c == conn) {
            let (_, r) = self.pending_dials.swap_remove(i);
            let _ = r.send(result);
        }
    }

    // --- swarm events ---

    fn on_swarm_event(&mut self, ev: SwarmEvent<NodeBehaviourEvent>) {
        match ev {
            SwarmEvent::NewListenAddr { address, .. } => {
                let a = address.to_string();
                if !self.listen.contains(&a) {
                    self.listen.push(a);
                }
            }
            SwarmEvent::ExpiredListenAddr { address, .. } => self.listen.retain(|a| *a != address.to_string()),
            SwarmEvent::ConnectionEstablished { peer_id, connection_id, endpoint, .. } => {
                let leg = self.book.opened(connection_id, peer_id, &endpoint);
                let (id, outbound) = (leg.id.clone(), leg.outbound);
                self.events.emit(
                    "leg_open",
                    fields! {"leg" => leg.id, "peer" => peer_id.to_string(), "direction" => dir(leg.outbound),
                             "transport" => leg.transport, "remote" => leg.remote, "local" => leg.local},
                );
                if let Some(st) = self.book.peers.get_mut(&peer_id) {
                    if st.dialing == Some(connection_id) {
                        st.dialing = None;
                        st.attempt = 0;
                    }
                }
                if outbound {
                    self.finish_dial(connection_id, Ok(id));
                }
                self.update_gauges();
            }
            SwarmEvent::ConnectionClosed { peer_id, connection_id, cause, .. } => self.on_leg_closed(peer_id, connection_id, cause),
            SwarmEvent::OutgoingConnectionError { connection_id, peer_id, error } => {
                let Some(peer) = peer_id else { return };
                let ours = self.book.peers.get(&peer).is_some_and(|p| p.dialing == Some(connection_id));
                if !ours {
                    self.finish_dial(connection_id, Err(error.to_string()));
                    return;
                }
                let entry = &self.book.peers[&peer].entry;
                let (addr, who) = (entry.addr.clone(), entry.name.clone().map_or(peer.to_string(), |n| format!("{n} ({peer})")));
                if let Some(st) = self.book.peers.get_mut(&peer) {
                    st.dialing = None;
                }
                let msg = format!("dial {who} at {addr} failed: {error}");
                self.events.emit("error", fields! {"message" => msg.clone(), "peer" => peer.to_string(), "addr" => addr});
                self.finish_dial(connection_id, Err(msg));
                self.schedule_redial(peer);
            }
            SwarmEvent::Behaviour(NodeBehaviourEvent::Gossip(ev)) => self.on_gossip(ev),
            _ => {}
        }
    }

    fn on_leg_closed(&mut self, peer: PeerId, c: ConnectionId, cause: Option<ConnectionError>) {
        let api = if let Some(i) = self.closing_by_api.iter().position(|x| *x == c) {
            self.closing_by_api.swap_remove(i);
            true
        } else {
            false
        };
        let Some(leg) = self.book.closed(c) else { return };
        let reason = if api { "api-close".to_string() } else { close_reason(cause.as_ref()) };
        self.events.emit("leg_close", fields! {"leg" => leg.id, "peer" => peer.to_string(), "direction" => dir(leg.outbound), "reason" => reason});
        for s in &leg.streams {
            self.events.emit(
                "stream_close",
                fields! {"stream" => s.id, "leg" => leg.id, "peer" => peer.to_string(), "direction" => dir(s.outbound), "reason" => "error: its leg closed"},
            );
        }
        if leg.outbound && self.book.peers.contains_key(&peer) {
            self.ensure_outbound(peer);
        }
        self.update_gauges();
    }

    fn on_gossip(&mut self, ev: ObservedEvent) {
        match ev {
            ObservedEvent::Message { source, id, message, leg } => {
                let leg = leg.and_then(|c| self.book.legs.get(&c).map(|l| l.id.clone()));
                let mut f = fields! {"topic" => message.topic.as_str(), "msgId" => hex::encode(&id.0), "from" => source.to_string(), "leg" => leg};
                if message.topic.as_str() == block::topic(&self.cfg.duties.fork_digest) {
                    if let Some(b) = block::decode(&message.data) {
                        f.insert("slot".into(), json!(b.slot));
                        f.insert("proposer".into(), json!(b.proposer));
                        f.insert("bytes".into(), json!(message.data.len()));
                        f.insert("latencyMs".into(), json!(now_ms() as i64 - b.published_at_ms as i64));
                        self.events.emit("block_received", f);
                    }
                    return;
                }
                if let Some(a) = attestation::decode(&message.data) {
                    f.insert("slot".into(), json!(a.slot));
                    f.insert("validator".into(), json!(a.validator));
                    f.insert("latencyMs".into(), json!(now_ms() as i64 - a.published_at_ms as i64));
                }
                self.events.emit("msg_received", f);
            }
            ObservedEvent::Stream { peer, connection, note } => self.on_stream_note(peer, connection, note),
            ObservedEvent::Other(e @ (gossipsub::Event::GossipsubNotSupported { .. } | gossipsub::Event::SlowPeer { .. })) => {
                eprintln!("gossipsub: {e:?}")
            }
            ObservedEvent::Other(_) => {}
        }
    }

    fn on_stream_note(&mut self, peer: PeerId, c: ConnectionId, note: StreamNote) {
        let Some(leg_id) = self.book.legs.get(&c).map(|l| l.id.clone()) else { return };
        let close = |book: &mut LegBook, outbound: Option<bool>, reason: &str, events: &EventLog| {
            let leg = book.legs.get_mut(&c).expect("leg");
            let (gone, kept): (Vec<StreamRec>, Vec<StreamRec>) =
                leg.streams.drain(..).partition(|s| outbound.is_none_or(|o| s.outbound == o));
            leg.streams = kept;
            for s in gone {
                events.emit(
                    "stream_close",
                    fields! {"stream" => s.id, "leg" => leg.id, "peer" => peer.to_string(), "direction" => dir(s.outbound), "reason" => reason},
                );
            }
        };
        match note {
            StreamNote::Opened { outbound, protocol } => {
                // gossipsub keeps one stream each way per connection: a newer one replaces the older
                close(&mut self.book, Some(outbound), "replaced by a newer stream", &self.events);
                let id = self.book.new_stream_id(&leg_id);
                self.book.legs.get_mut(&c).expect("leg").streams.push(StreamRec { id: id.clone(), outbound, protocol });
                self.events.emit(
                    "stream_open",
                    fields! {"stream" => id, "leg" => leg_id, "peer" => peer.to_string(), "protocol" => protocol, "direction" => dir(outbound)},
                );
            }
            StreamNote::OutboundRequested => close(
                &mut self.book,
                Some(true),
                "error: gossipsub dropped it after a failed write (seen when it asked for a new one)",
                &self.events,
            ),
            StreamNote::OutboundFailed(e) => eprintln!("gossip stream to {peer} on {leg_id} did not open: {e}"),
            StreamNote::Disabled => close(&mut self.book, None, "closed: gossipsub disabled its handler on this leg", &self.events),
        }
        self.update_gauges();
    }

    fn update_gauges(&self) {
        for outbound in [true, false] {
            let (legs, streams) = self.book.count(outbound);
            let label = vec![("direction".to_string(), dir(outbound).to_string())];
            self.gauges.legs.get_or_create(&label).set(legs);
            self.gauges.gossip_streams.get_or_create(&label).set(streams);
        }
    }

    // --- duties and status ---

    /// Publishes one attestation now and emits msg_published; returns that event's fields.
    pub fn publish(&mut self, slot: u64, validator: u64) -> Fields {
        let d = &self.cfg.duties;
        let name = attestation::topic(&d.fork_digest, validator % d.subnets);
        let data = attestation::encode(&Attestation { slot, validator, published_at_ms: now_ms() }, d.padding_bytes);
        let (id, recipients, error) = self.send(&name, data);
        let f = fields! {"topic" => name, "msgId" => id, "slot" => slot, "validator" => validator, "recipients" => recipients, "publishError" => error};
        self.events.emit("msg_published", f.clone());
        f
    }

    /// Proposes this node's block for `slot` now and emits block_published.
    fn publish_block(&mut self, slot: u64) {
        let d = &self.cfg.duties;
        let name = block::topic(&d.fork_digest);
        let bytes = d.blocks.as_ref().map_or(0, |b| b.bytes);
        let proposer = self.cfg.index;
        let data = block::encode(&Block { slot, proposer, published_at_ms: now_ms() }, bytes);
        let len = data.len();
        let (id, recipients, error) = self.send(&name, data);
        self.events.emit(
            "block_published",
            fields! {"topic" => name, "msgId" => id, "slot" => slot, "proposer" => proposer, "bytes" => len, "recipients" => recipients, "publishError" => error},
        );
    }

    /// Publishes `data` on topic `name`: its message id (the devnet's wire profile, hex), its
    /// recipients and the publish error, if any.
    fn send(&mut self, name: &str, data: Vec<u8>) -> (String, Vec<String>, Option<String>) {
        let id = hex::encode(crate::wire_profile::message_id_fn(&self.cfg.wire)(name, &data));
        let hash = IdentTopic::new(name.to_string()).hash();
        // With flood publishing (rust-libp2p's default) and no peer scoring, gossipsub sends a new
        // message to every connected peer subscribed to the topic: these are its recipients.
        let subscribed = subscribers(&self.swarm, &hash);
        let (recipients, error) = match self.swarm.behaviour_mut().gossip.inner.publish(hash, data) {
            Ok(_) => (subscribed, None),
            // publishing to zero peers is not an error here (contract section 5)
            Err(PublishError::NoPeersSubscribedToTopic) => (vec![], None),
            Err(e) => (vec![], Some(e.to_string())),
        };
        (id, recipients, error)
    }

    pub fn status(&self) -> Value {
        let mut legs: Vec<Value> = self
            .book
            .legs
            .values()
            .map(|l| {
                let streams: Vec<Value> = l
                    .streams
                    .iter()
                    .map(|s| json!({"id": s.id, "protocol": s.protocol, "direction": dir(s.outbound), "gossip": dir(s.outbound)}))
                    .collect();
                let mut v = json!({"id": l.id, "peer": l.peer.to_string(), "direction": dir(l.outbound), "transport": l.transport,
                                   "remote": l.remote, "openedAt": l.opened_at, "streams": streams});
                if let Some(local) = &l.local {
                    v["local"] = json!(local);
                }
                v
            })
            .collect();
        legs.sort_by_key(|v| v["openedAt"].as_u64());
        let gossip = &self.swarm.behaviour().gossip.inner;
        let mut topics = serde_json::Map::new();
        // the topics we are subscribed to (none yet during a subscribe delay)
        let subscribed: Vec<TopicHash> = gossip.topics().cloned().collect();
        for t in self.topics() {
            let hash = IdentTopic::new(t.clone()).hash();
            if !subscribed.contains(&hash) {
                continue;
            }
            let mesh: Vec<String> = gossip.mesh_peers(&hash).map(|p| p.to_string()).collect();
            topics.insert(t, json!({"mesh": mesh, "subscribers": subscribers(&self.swarm, &hash)}));
        }
        json!({
            "name": self.cfg.name, "peerId": self.swarm.local_peer_id().to_string(), "impl": IMPL,
            "gossipPolicy": POLICY_STOCK, "redialEnabled": self.redial.enabled, "listen": self.listen,
            "legs": legs, "topics": topics, "gossipPeers": self.book.gossip_peers(),
        })
    }
}

fn subscribers(swarm: &Swarm<NodeBehaviour>, hash: &TopicHash) -> Vec<String> {
    let mut out: Vec<String> = swarm
        .behaviour()
        .gossip
        .inner
        .all_peers()
        .filter(|(_, topics)| topics.contains(&hash))
        .map(|(p, _)| p.to_string())
        .collect();
    out.sort();
    out
}

fn fail(reply: Option<Reply<Result<String, String>>>, msg: String) {
    if let Some(r) = reply {
        let _ = r.send(Err(msg));
    }
}

pub fn dir(outbound: bool) -> &'static str {
    if outbound {
        "outbound"
    } else {
        "inbound"
    }
}

/// `closed` for a close without error (ours or the peer's, QUIC application code 0), else the cause.
fn close_reason(cause: Option<&ConnectionError>) -> String {
    match cause {
        None => "closed".into(),
        Some(e) => {
            let text = match e {
                ConnectionError::IO(io) => io.to_string(),
                other => other.to_string(),
            };
            if text.contains("closed by peer: 0") || text.contains("ApplicationClosed") && text.contains("error_code: 0") {
                "closed".into()
            } else {
                format!("error: {text}")
            }
        }
    }
}
