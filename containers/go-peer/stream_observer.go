package main

// Watches go-libp2p-pubsub's /meshsub streams without changing what it does.
// pubsub is handed a host wrapper (observedHost) that sees the two places its
// streams come from, so stream_open is exact, with the leg each stream rides:
//
//	outbound: pubsub -> host.NewStream(peer, protocols)  -> the stream it got (and its connection)
//	inbound:  remote -> handler set by SetStreamHandler   -> the stream it was given
//
// stream_close: every path by which pubsub drops a stream ends in its Close or
// Reset (read error, EOF, duplicate inbound stream, dead peer), which the
// stream wrapper reports; a stream whose leg closes first is reported with the
// leg_close. subscribe_replayed: pubsub's respawned writer (handleDeadPeers,
// peer still connected) opens a new outbound stream whose hello packet carries
// all our subscriptions; that reopen is what the event reports.

import (
	"context"
	"errors"
	"io"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/protocol"
)

// StreamObserver keeps the open gossip streams and reports their lives.
type StreamObserver struct {
	events *EventLog
	topics func() []string
	// connected says whether the peer has an open leg; set once the host exists
	connected func(peer.ID) bool

	mu       sync.Mutex
	open     map[string]*trackedStream // by stream id
	inbound  map[peer.ID]*trackedStream
	outbound map[peer.ID]*trackedStream
	// the outbound stream that closed while the peer kept at least one leg
	replayPending map[peer.ID]closedOutbound
}

type closedOutbound struct {
	stream string
	at     time.Time
}

// NewStreamObserver makes the observer; topics lists our subscriptions (for subscribe_replayed).
func NewStreamObserver(events *EventLog, topics func() []string) *StreamObserver {
	return &StreamObserver{
		events: events, topics: topics,
		open: map[string]*trackedStream{}, inbound: map[peer.ID]*trackedStream{},
		outbound: map[peer.ID]*trackedStream{}, replayPending: map[peer.ID]closedOutbound{},
	}
}

// GossipDirection says whether an open stream is one of gossipsub's, and which way.
func (o *StreamObserver) GossipDirection(streamID string) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s := o.open[streamID]; s != nil {
		return s.direction
	}
	return ""
}

// InboundLeg is the leg of the peer's current inbound gossip stream: where its messages arrive.
func (o *StreamObserver) InboundLeg(p peer.ID) string {
	o.mu.Lock()
	defer o.mu.Unlock()
	if s := o.inbound[p]; s != nil {
		return s.leg
	}
	return ""
}

// Counts returns how many gossip streams are open each way (metrics).
func (o *StreamObserver) Counts() (outbound, inbound int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return len(o.outbound), len(o.inbound)
}

// LegClosed reports the streams that rode a closed leg and were not closed by pubsub yet;
// lastLeg drops a pending replay (a peer that comes back is a new peer to pubsub).
func (o *StreamObserver) LegClosed(c network.Conn, lastLeg bool) {
	o.mu.Lock()
	var gone []*trackedStream
	for _, s := range o.open {
		if s.leg == c.ID() {
			gone = append(gone, s)
		}
	}
	if lastLeg {
		delete(o.replayPending, c.RemotePeer())
	}
	o.mu.Unlock()
	for _, s := range gone {
		s.finish("error: its leg closed")
	}
}

func (o *StreamObserver) track(s network.Stream, direction string) *trackedStream {
	t := &trackedStream{
		Stream: s, obs: o, id: s.ID(), leg: s.Conn().ID(), peer: s.Conn().RemotePeer(), direction: direction,
	}
	o.mu.Lock()
	var replaced *trackedStream
	var replay *closedOutbound
	o.open[t.id] = t
	if direction == "inbound" {
		replaced = o.inbound[t.peer]
		o.inbound[t.peer] = t
	} else {
		o.outbound[t.peer] = t
		if r, ok := o.replayPending[t.peer]; ok {
			replay = &r
			delete(o.replayPending, t.peer)
		}
	}
	o.mu.Unlock()
	if replaced != nil {
		replaced.setReason("replaced by a newer inbound stream")
	}
	o.events.Emit("stream_open", Fields{"stream": t.id, "leg": t.leg, "peer": t.peer.String(), "protocol": string(s.Protocol()), "direction": direction})
	if replay != nil {
		o.events.Emit("subscribe_replayed", Fields{
			"peer": t.peer.String(), "leg": t.leg, "stream": t.id, "topics": o.topics(),
			"closedStream": replay.stream, "reopenMs": time.Since(replay.at).Milliseconds(),
		})
	}
	return t
}

func (o *StreamObserver) closed(t *trackedStream, reason string, stillConnected bool) {
	o.mu.Lock()
	delete(o.open, t.id)
	if t.direction == "inbound" && o.inbound[t.peer] == t {
		delete(o.inbound, t.peer)
	}
	if t.direction == "outbound" && o.outbound[t.peer] == t {
		delete(o.outbound, t.peer)
		if stillConnected {
			o.replayPending[t.peer] = closedOutbound{stream: t.id, at: time.Now()}
		}
	}
	o.mu.Unlock()
	o.events.Emit("stream_close", Fields{"stream": t.id, "leg": t.leg, "peer": t.peer.String(), "direction": t.direction, "reason": reason})
}

// trackedStream is the stream pubsub holds; it reports the first close or reset.
type trackedStream struct {
	network.Stream
	obs       *StreamObserver
	id        string
	leg       string
	peer      peer.ID
	direction string

	mu     sync.Mutex
	reason string
	once   sync.Once
}

func (t *trackedStream) setReason(r string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.reason == "" {
		t.reason = r
	}
}

func (t *trackedStream) noteErr(err error) {
	switch {
	case err == nil:
	case errors.Is(err, io.EOF):
		t.setReason("closed")
	default:
		t.setReason("error: " + err.Error())
	}
}

func (t *trackedStream) finish(fallback string) {
	t.once.Do(func() {
		t.setReason(fallback)
		t.mu.Lock()
		reason := t.reason
		t.mu.Unlock()
		// pubsub respawns its writer when the peer is still connected on any leg
		still := t.direction == "outbound" && t.obs.connected != nil && t.obs.connected(t.peer)
		t.obs.closed(t, reason, still)
	})
}

func (t *trackedStream) Read(b []byte) (int, error) {
	n, err := t.Stream.Read(b)
	t.noteErr(err)
	return n, err
}

func (t *trackedStream) Write(b []byte) (int, error) {
	n, err := t.Stream.Write(b)
	t.noteErr(err)
	return n, err
}

func (t *trackedStream) Close() error {
	err := t.Stream.Close()
	t.finish("closed")
	return err
}

func (t *trackedStream) Reset() error {
	err := t.Stream.Reset()
	t.finish("reset")
	return err
}

func (t *trackedStream) ResetWithError(code network.StreamErrorCode) error {
	err := t.Stream.ResetWithError(code)
	t.finish("reset")
	return err
}

// observedHost is the host as go-libp2p-pubsub sees it.
type observedHost struct {
	host.Host
	obs *StreamObserver
}

// NewStream never dials (only the leg book dials) and tracks the stream pubsub opens.
func (h *observedHost) NewStream(ctx context.Context, p peer.ID, pids ...protocol.ID) (network.Stream, error) {
	s, err := h.Host.NewStream(network.WithNoDial(ctx, "meshflap: only the leg book dials"), p, pids...)
	if err != nil {
		return nil, err
	}
	return h.obs.track(s, "outbound"), nil
}

func (h *observedHost) wrap(handler network.StreamHandler) network.StreamHandler {
	return func(s network.Stream) { handler(h.obs.track(s, "inbound")) }
}

// SetStreamHandler tracks every inbound stream pubsub is given.
func (h *observedHost) SetStreamHandler(pid protocol.ID, handler network.StreamHandler) {
	h.Host.SetStreamHandler(pid, h.wrap(handler))
}

// SetStreamHandlerMatch tracks every inbound stream pubsub is given.
func (h *observedHost) SetStreamHandlerMatch(pid protocol.ID, m func(protocol.ID) bool, handler network.StreamHandler) {
	h.Host.SetStreamHandlerMatch(pid, m, h.wrap(handler))
}
