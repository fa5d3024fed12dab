package main

// Builds the libp2p host and gossipsub for one config: QUIC (libp2p-tls) and
// TCP (noise + yamux) transports wrapped for own-leg dialing, nothing that
// dials on its own (no relay, AutoNAT probing, hole punching, mDNS, port
// mapping, black-hole filter), a gater that only lets configured addresses be
// dialed, and stock go-libp2p-pubsub gossipsub with StrictNoSign and the
// content-addressed message id.

import (
	"context"
	"fmt"
	"time"

	"github.com/libp2p/go-libp2p"
	pubsub "github.com/libp2p/go-libp2p-pubsub"
	pb "github.com/libp2p/go-libp2p-pubsub/pb"
	"github.com/libp2p/go-libp2p/core/connmgr"
	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/pnet"
	"github.com/libp2p/go-libp2p/core/transport"
	"github.com/libp2p/go-libp2p/p2p/muxer/yamux"
	"github.com/libp2p/go-libp2p/p2p/net/swarm"
	"github.com/libp2p/go-libp2p/p2p/security/noise"
	libp2pquic "github.com/libp2p/go-libp2p/p2p/transport/quic"
	"github.com/libp2p/go-libp2p/p2p/transport/quicreuse"
	"github.com/libp2p/go-libp2p/p2p/transport/tcp"
	"github.com/libp2p/go-libp2p/p2p/transport/tcpreuse"
)

// Impl is what this peer reports as its implementation.
const Impl = "go"

// Node is one running Go peer.
type Node struct {
	Config   *Config
	Events   *EventLog
	Host     host.Host
	PubSub   *pubsub.PubSub
	Legs     *LegBook
	Observer *StreamObserver
	Tracer   *GossipTracer
	Duties   *Duties
	Sched    *SchedProbe
	// Visibility: what the peer leaves unreported (--no-stream-reports)
	Visibility Visibility
}

// BuildNode starts listening and joins gossipsub; duties and dials start separately.
func BuildNode(ctx context.Context, n *Node) error {
	cfg := n.Config
	key, err := IdentityKey(cfg.Seed, cfg.Index)
	if err != nil {
		return fmt.Errorf("identity key: %w", err)
	}
	n.Legs = NewLegBook(n.Events, cfg.Redial)
	h, err := libp2p.New(
		libp2p.Identity(key),
		libp2p.NoListenAddrs, // main listens on each address itself, to learn which one failed
		libp2p.Transport(newQUICTransport),
		libp2p.Transport(newTCPTransport),
		libp2p.Security(noise.ID, noise.New),
		libp2p.Muxer(yamux.ID, yamux.DefaultTransport),
		libp2p.QUICReuse(quicConnManager(cfg.Quic)),
		libp2p.ConnectionGater(n.Legs),
		libp2p.ResourceManager(&network.NullResourceManager{}),
		libp2p.ConnectionManager(&connmgr.NullConnMgr{}),
		libp2p.DisableRelay(),
		libp2p.DisableMetrics(),
		libp2p.DisableIdentifyAddressDiscovery(),
		libp2p.ForceReachabilityPrivate(),
		libp2p.UDPBlackHoleSuccessCounter(nil),
		libp2p.IPv6BlackHoleSuccessCounter(nil),
		libp2p.SwarmOpts(swarm.WithDialRanker(n.Legs.RankAddrs)),
	)
	if err != nil {
		return err
	}
	n.Host = h
	n.Legs.Attach(h)
	n.Observer = NewStreamObserver(n.Events, func() []string { return SubscribedTopics(cfg.Duties) })
	n.Observer.connected = func(p peer.ID) bool {
		for _, c := range h.Network().ConnsToPeer(p) {
			if !c.IsClosed() {
				return true
			}
		}
		return false
	}
	n.Legs.OnLegClosed(n.Observer.LegClosed)
	inboundLeg := n.Observer.InboundLeg
	if !n.Visibility.StreamsReported() {
		inboundLeg = func(peer.ID) string { return "" } // the receive leg comes from the stream observer
	}
	n.Tracer = NewGossipTracer(h.ID(), n.Events, inboundLeg, MessageIDFor(cfg.Wire))
	n.Tracer.blockTopic = BlockTopic(cfg.Duties.ForkDigest)

	params := pubsub.DefaultGossipSubParams()
	g := cfg.Gossip
	params.D, params.Dlo, params.Dhi, params.Dlazy = g.D, g.Dlo, g.Dhi, g.Dlazy
	params.HeartbeatInterval = time.Duration(g.HeartbeatMs) * time.Millisecond
	// go-libp2p-pubsub's own constraints (Dout < Dlo, Dout < D/2, Dscore <= Dhi), kept at their defaults where they fit.
	params.Dout = max(0, min(params.Dout, g.Dlo-1, g.D/2-1))
	params.Dscore = min(params.Dscore, g.Dhi)
	ps, err := pubsub.NewGossipSub(ctx, &observedHost{Host: h, obs: n.Observer},
		pubsub.WithGossipSubParams(params),
		pubsub.WithMessageSignaturePolicy(pubsub.StrictNoSign),
		pubsub.WithNoAuthor(),
		pubsub.WithMessageIdFn(func(m *pb.Message) string { return string(n.Tracer.messageID(m.GetTopic(), m.GetData())) }),
		pubsub.WithRawTracer(n.Tracer),
		// a 1 MiB block (or padding) plus framing: the default (1 MiB for the whole RPC) is below it
		pubsub.WithMaxMessageSize(maxMessageBytes),
	)
	if err != nil {
		_ = h.Close()
		return fmt.Errorf("gossipsub: %w", err)
	}
	n.PubSub = ps
	return nil
}

// maxMessageBytes is the largest RPC pubsub reads or writes (rust-peer: the same 2 MiB).
const maxMessageBytes = 2 << 20

// ListenAddrs are the bound listen addresses (port 0 resolved, an unspecified IP
// expanded to the interfaces' addresses, as the TS node reports them), without /p2p.
func (n *Node) ListenAddrs() []string {
	addrs, err := n.Host.Network().InterfaceListenAddresses()
	if err != nil {
		addrs = n.Host.Network().ListenAddresses()
	}
	out := make([]string, 0, len(addrs))
	for _, a := range addrs {
		out = append(out, a.String())
	}
	return out
}

func newQUICTransport(key crypto.PrivKey, cm *quicreuse.ConnManager, psk pnet.PSK, gater connmgr.ConnectionGater, rcmgr network.ResourceManager) (transport.Transport, error) {
	t, err := libp2pquic.NewTransport(key, cm, psk, gater, rcmgr)
	if err != nil {
		return nil, err
	}
	return wrapTransport(t), nil
}

// newTCPTransport turns reuseport off: with it, go-go TCP legs in both directions
// would share one 4-tuple (listen port to listen port) and the second could not exist.
func newTCPTransport(upgrader transport.Upgrader, rcmgr network.ResourceManager, shared *tcpreuse.ConnMgr) (transport.Transport, error) {
	t, err := tcp.NewTCPTransport(upgrader, rcmgr, shared, tcp.DisableReuseport())
	if err != nil {
		return nil, err
	}
	return wrapTransport(t), nil
}
