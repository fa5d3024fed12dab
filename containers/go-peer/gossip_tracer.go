package main

// A go-libp2p-pubsub RawTracer: the only window into the router that stock
// pubsub offers. It is called synchronously from pubsub's event loop, so it
// only records and never blocks. From it come:
//   - msg_received: DeliverMessage is the first arrival of a valid message (exact);
//   - msg_published recipients: SendRPC is called once per peer an RPC carrying
//     our message is queued to (the same notion as the TS node's recipients);
//   - the mesh per topic (Graft/Prune) and the gossip peers (a peer is one
//     while pubsub holds an outbound stream to it), for /v1/status.

import (
	"encoding/hex"
	"sync"
	"time"

	pubsub "github.com/libp2p/go-libp2p-pubsub"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// GossipTracer records what the router did.
type GossipTracer struct {
	self    peer.ID
	events  *EventLog
	inbound func(peer.ID) string // leg of the peer's inbound gossip stream
	// messageID is the devnet's wire profile (config "wire"): pubsub's id function and ours agree.
	messageID MessageIDFn
	mu        sync.Mutex
	mesh      map[string]map[peer.ID]struct{}
	peers     map[peer.ID]struct{}
	inFlight  map[string]*pendingPublish
	// blockTopic: its arrivals are block_received, not msg_received ("" before the node sets it)
	blockTopic string
}

type pendingPublish struct {
	recipients []string
	delivered  chan struct{}
}

// NewGossipTracer makes the tracer; inboundLeg names the leg a peer's messages arrive on.
func NewGossipTracer(self peer.ID, events *EventLog, inboundLeg func(peer.ID) string, messageID MessageIDFn) *GossipTracer {
	return &GossipTracer{
		self: self, events: events, inbound: inboundLeg, messageID: messageID,
		mesh: map[string]map[peer.ID]struct{}{}, peers: map[peer.ID]struct{}{}, inFlight: map[string]*pendingPublish{},
	}
}

// ExpectPublish starts collecting recipients of one of our messages (id = raw message id).
func (t *GossipTracer) ExpectPublish(id string) *pendingPublish {
	p := &pendingPublish{delivered: make(chan struct{})}
	t.mu.Lock()
	t.inFlight[id] = p
	t.mu.Unlock()
	return p
}

// FinishPublish stops collecting and returns the peers the message was queued to.
func (t *GossipTracer) FinishPublish(id string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	p := t.inFlight[id]
	delete(t.inFlight, id)
	if p == nil {
		return []string{}
	}
	return append([]string{}, p.recipients...)
}

// Mesh lists the mesh members of a topic.
func (t *GossipTracer) Mesh(topic string) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return peerList(t.mesh[topic])
}

// Peers lists the peers gossipsub holds an outbound stream to.
func (t *GossipTracer) Peers() []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	return peerList(t.peers)
}

func peerList(m map[peer.ID]struct{}) []string {
	out := make([]string, 0, len(m))
	for p := range m {
		out = append(out, p.String())
	}
	return out
}

func (t *GossipTracer) OnNewOutboundStream(p peer.ID, _ protocol.ID) {
	t.mu.Lock()
	t.peers[p] = struct{}{}
	t.mu.Unlock()
}

// OnClosedOutboundStream mirrors the router, which forgets the peer and drops it from every mesh.
func (t *GossipTracer) OnClosedOutboundStream(p peer.ID) {
	t.mu.Lock()
	delete(t.peers, p)
	for _, m := range t.mesh {
		delete(m, p)
	}
	t.mu.Unlock()
}

func (t *GossipTracer) Join(topic string) {
	t.mu.Lock()
	if t.mesh[topic] == nil {
		t.mesh[topic] = map[peer.ID]struct{}{}
	}
	t.mu.Unlock()
}

func (t *GossipTracer) Leave(topic string) {
	t.mu.Lock()
	delete(t.mesh, topic)
	t.mu.Unlock()
}

func (t *GossipTracer) Graft(p peer.ID, topic string) {
	t.mu.Lock()
	if t.mesh[topic] == nil {
		t.mesh[topic] = map[peer.ID]struct{}{}
	}
	t.mesh[topic][p] = struct{}{}
	t.mu.Unlock()
}

func (t *GossipTracer) Prune(p peer.ID, topic string) {
	t.mu.Lock()
	delete(t.mesh[topic], p)
	t.mu.Unlock()
}

// LocalDelivered is called when our own message reaches our own subscription:
// pubsub's event loop hands it to subscribers just before the router forwards
// it, so from then on any request to the loop is served after the forwarding.
// (RawTracer.DeliverMessage is not called for our own messages.)
func (t *GossipTracer) LocalDelivered(id string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if p := t.inFlight[id]; p != nil {
		select {
		case <-p.delivered:
		default:
			close(p.delivered)
		}
	}
}

// DeliverMessage is the first arrival of a valid message from another peer.
func (t *GossipTracer) DeliverMessage(msg *pubsub.Message) {
	if msg.ReceivedFrom == t.self {
		return
	}
	f := Fields{"topic": msg.GetTopic(), "msgId": hex.EncodeToString([]byte(msg.ID)), "from": msg.ReceivedFrom.String()}
	if leg := t.inbound(msg.ReceivedFrom); leg != "" {
		f["leg"] = leg
	}
	if msg.GetTopic() == t.blockTopic {
		if b, ok := DecodeBlock(msg.GetData()); ok {
			f["slot"], f["proposer"], f["bytes"] = b.Slot, b.Proposer, len(msg.GetData())
			f["latencyMs"] = time.Now().UnixMilli() - int64(b.PublishedAtMs)
			t.events.Emit("block_received", f)
		}
		return
	}
	if a, ok := DecodeAttestation(msg.GetData()); ok {
		f["slot"] = a.Slot
		f["validator"] = a.Validator
		f["latencyMs"] = time.Now().UnixMilli() - int64(a.PublishedAtMs)
	}
	t.events.Emit("msg_received", f)
}

// SendRPC collects the recipients of our in-flight publishes.
func (t *GossipTracer) SendRPC(rpc *pubsub.RPC, p peer.ID) {
	if len(rpc.GetPublish()) == 0 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.inFlight) == 0 {
		return
	}
	for _, m := range rpc.GetPublish() {
		if pp := t.inFlight[string(t.messageID(m.GetTopic(), m.GetData()))]; pp != nil {
			pp.recipients = append(pp.recipients, p.String())
		}
	}
}

func (t *GossipTracer) ValidateMessage(*pubsub.Message)                      {}
func (t *GossipTracer) RejectMessage(*pubsub.Message, string)                {}
func (t *GossipTracer) DuplicateMessage(*pubsub.Message)                     {}
func (t *GossipTracer) ThrottlePeer(peer.ID)                                 {}
func (t *GossipTracer) RecvRPC(*pubsub.RPC)                                  {}
func (t *GossipTracer) SendRPCCompleted(*pubsub.RPC, peer.ID, time.Duration) {}
func (t *GossipTracer) DropRPC(*pubsub.RPC, peer.ID)                         {}
func (t *GossipTracer) UndeliverableMessage(*pubsub.Message)                 {}

var _ pubsub.RawTracer = (*GossipTracer)(nil)
