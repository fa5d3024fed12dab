package main

// The node's legs: every connection to a peer, in either direction.
//
//	configured peer --DialPeer(force direct)--> our outbound leg   (redialed with backoff when it closes)
//	remote's dial   --------------------------> our inbound leg    (accepted, never redialed by us)
//
// Emits leg_open / leg_close (network notifiee: exact, one per connection) and
// owns the redial loop. It is also the connection gater and the dial ranker:
// only configured dial addresses are ever dialed, never what identify or the
// peer store learned, so in a meshflap run every leg goes through its own proxy.

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/libp2p/go-libp2p/core/control"
	"github.com/libp2p/go-libp2p/core/host"
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/peerstore"
	ma "github.com/multiformats/go-multiaddr"
	"github.com/quic-go/quic-go"
)

const dialTimeout = 10 * time.Second

type peerDial struct {
	entry   PeerEntry
	id      peer.ID
	addr    ma.Multiaddr
	attempt int
	dialing bool
	timer   *time.Timer
}

// LegBook tracks legs, dials our own outbound legs and gates every dial.
type LegBook struct {
	events *EventLog
	host   host.Host

	mu           sync.Mutex
	redial       RedialConfig
	peers        map[peer.ID]*peerDial
	closingByAPI map[string]bool
	openedAt     map[string]time.Time
	stopped      bool

	legClosedHooks []func(c network.Conn, lastLeg bool)
}

// NewLegBook makes the book; Attach must be called once the host exists.
func NewLegBook(events *EventLog, redial RedialConfig) *LegBook {
	return &LegBook{
		events:       events,
		redial:       redial,
		peers:        map[peer.ID]*peerDial{},
		closingByAPI: map[string]bool{},
		openedAt:     map[string]time.Time{},
	}
}

// Attach starts watching the host's connections.
func (b *LegBook) Attach(h host.Host) {
	b.host = h
	h.Network().Notify(&network.NotifyBundle{
		ConnectedF:    func(_ network.Network, c network.Conn) { b.onOpen(c) },
		DisconnectedF: func(_ network.Network, c network.Conn) { b.onClose(c) },
	})
}

// OnLegClosed registers a hook run after each leg_close; lastLeg says the peer has no leg left.
func (b *LegBook) OnLegClosed(f func(c network.Conn, lastLeg bool)) {
	b.legClosedHooks = append(b.legClosedHooks, f)
}

// AddPeer adds (or re-points) a configured peer and dials our outbound leg to it now.
func (b *LegBook) AddPeer(ctx context.Context, entry PeerEntry) (network.Conn, error) {
	id, err := peer.Decode(entry.PeerID)
	if err != nil {
		return nil, fmt.Errorf("bad peer id %q: %w", entry.PeerID, err)
	}
	addr, err := ma.NewMultiaddr(entry.Addr)
	if err != nil {
		return nil, fmt.Errorf("bad addr %q: %w", entry.Addr, err)
	}
	st := &peerDial{entry: entry, id: id, addr: addr}
	b.mu.Lock()
	if prior := b.peers[id]; prior != nil && prior.timer != nil {
		prior.timer.Stop()
	}
	b.peers[id] = st
	b.mu.Unlock()
	return b.dial(ctx, st)
}

// SetRedial holds redials off or lets them resume (and redials what is missing now).
func (b *LegBook) SetRedial(enabled bool) {
	b.mu.Lock()
	b.redial.Enabled = enabled
	states := make([]*peerDial, 0, len(b.peers))
	for _, st := range b.peers {
		if !enabled && st.timer != nil {
			st.timer.Stop()
		}
		states = append(states, st)
	}
	b.mu.Unlock()
	if enabled {
		for _, st := range states {
			b.ensureOutbound(st)
		}
	}
}

// RedialEnabled reports the redial switch.
func (b *LegBook) RedialEnabled() bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.redial.Enabled
}

// LegByID finds an open leg by its connection id.
func (b *LegBook) LegByID(id string) network.Conn {
	for _, c := range b.host.Network().Conns() {
		if c.ID() == id {
			return c
		}
	}
	return nil
}

// OpenedAt is when the leg was reported open.
func (b *LegBook) OpenedAt(id string) time.Time {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.openedAt[id]
}

// CloseLeg closes one leg, gracefully or abruptly (an error code instead of a normal close).
func (b *LegBook) CloseLeg(id string, abort bool) bool {
	c := b.LegByID(id)
	if c == nil {
		return false
	}
	b.mu.Lock()
	b.closingByAPI[id] = true
	b.mu.Unlock()
	if abort {
		_ = c.CloseWithError(network.ConnErrorCode(1))
	} else {
		_ = c.Close()
	}
	return true
}

// Stop ends all redials.
func (b *LegBook) Stop() {
	b.mu.Lock()
	defer b.mu.Unlock()
	b.stopped = true
	for _, st := range b.peers {
		if st.timer != nil {
			st.timer.Stop()
		}
	}
}

func (b *LegBook) dial(ctx context.Context, st *peerDial) (network.Conn, error) {
	b.mu.Lock()
	st.dialing = true
	b.mu.Unlock()
	b.host.Peerstore().AddAddr(st.id, st.addr, peerstore.PermanentAddrTTL)
	// Force-direct makes the swarm ignore every open leg (own_leg_transport.go): a fresh connection.
	dctx, cancel := context.WithTimeout(network.WithForceDirectDial(ctx, "meshflap: own outbound leg"), dialTimeout)
	defer cancel()
	conn, err := b.host.Network().DialPeer(dctx, st.id)
	b.mu.Lock()
	st.dialing = false
	if err == nil {
		st.attempt = 0
	}
	b.mu.Unlock()
	if err != nil {
		b.events.Emit("error", Fields{"message": fmt.Sprintf("dial %s at %s failed: %v", st.entry.PeerID, st.entry.Addr, err), "peer": st.entry.PeerID, "addr": st.entry.Addr})
		b.scheduleRedial(st)
		return nil, err
	}
	if conn.Stat().Direction != network.DirOutbound {
		// Never seen; it would mean the swarm handed back a leg it did not dial.
		b.events.Emit("error", Fields{"message": fmt.Sprintf("dial %s returned an %s connection %s", st.entry.PeerID, dirName(conn.Stat().Direction), conn.ID()), "peer": st.entry.PeerID})
	}
	return conn, nil
}

func (b *LegBook) hasOutbound(id peer.ID) bool {
	for _, c := range b.host.Network().ConnsToPeer(id) {
		if c.Stat().Direction == network.DirOutbound && !c.IsClosed() {
			return true
		}
	}
	return false
}

func (b *LegBook) ensureOutbound(st *peerDial) {
	b.mu.Lock()
	dialing := st.dialing
	b.mu.Unlock()
	if !dialing && !b.hasOutbound(st.id) {
		b.scheduleRedial(st)
	}
}

func (b *LegBook) scheduleRedial(st *peerDial) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.stopped || !b.redial.Enabled || b.peers[st.id] != st {
		return
	}
	if st.timer != nil {
		st.timer.Stop()
	}
	delay := time.Duration(b.redial.MinMs) * time.Millisecond
	for i := 0; i < st.attempt && delay < time.Duration(b.redial.MaxMs)*time.Millisecond; i++ {
		delay *= 2
	}
	delay = min(delay, time.Duration(b.redial.MaxMs)*time.Millisecond)
	st.attempt++
	st.timer = time.AfterFunc(delay, func() {
		b.mu.Lock()
		skip := b.stopped || b.peers[st.id] != st || st.dialing
		b.mu.Unlock()
		if skip || b.hasOutbound(st.id) {
			return
		}
		_, _ = b.dial(context.Background(), st) // a failure is an error event and schedules the next try
	})
}

func (b *LegBook) onOpen(c network.Conn) {
	b.mu.Lock()
	b.openedAt[c.ID()] = c.Stat().Opened
	b.mu.Unlock()
	f := Fields{
		"leg":       c.ID(),
		"peer":      c.RemotePeer().String(),
		"direction": dirName(c.Stat().Direction),
		"transport": transportOf(c.RemoteMultiaddr()),
		"remote":    c.RemoteMultiaddr().String(),
	}
	if c.LocalMultiaddr() != nil {
		f["local"] = c.LocalMultiaddr().String()
	}
	b.events.Emit("leg_open", f)
}

func (b *LegBook) onClose(c network.Conn) {
	b.mu.Lock()
	reason := closeReason(c)
	if b.closingByAPI[c.ID()] {
		reason = "api-close"
		delete(b.closingByAPI, c.ID())
	}
	delete(b.openedAt, c.ID())
	st := b.peers[c.RemotePeer()]
	b.mu.Unlock()
	b.events.Emit("leg_close", Fields{"leg": c.ID(), "peer": c.RemotePeer().String(), "direction": dirName(c.Stat().Direction), "reason": reason})
	lastLeg := len(b.host.Network().ConnsToPeer(c.RemotePeer())) == 0
	for _, f := range b.legClosedHooks {
		f(c, lastLeg)
	}
	if c.Stat().Direction == network.DirOutbound && st != nil {
		b.ensureOutbound(st)
	}
}

// closeReason is what go-libp2p lets us know: QUIC keeps the cause of a close, TCP does not.
func closeReason(c network.Conn) string {
	var qc *quic.Conn
	if !c.As(&qc) || qc == nil {
		return "closed"
	}
	cause := context.Cause(qc.Context())
	var appErr *quic.ApplicationError
	if cause == nil || (errors.As(cause, &appErr) && appErr.ErrorCode == 0) {
		return "closed"
	}
	return "error: " + cause.Error()
}

// --- connection gater and dial ranker: only configured addresses, for the configured peer ---

func (b *LegBook) allowed(p peer.ID, a ma.Multiaddr) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	plain := stripP2P(a)
	for id, st := range b.peers {
		if (p == "" || p == id) && st.addr.Equal(plain) {
			return true
		}
	}
	return false
}

// RankAddrs keeps only configured dial addresses, all dialed at once (swarm dial ranker).
func (b *LegBook) RankAddrs(addrs []ma.Multiaddr) []network.AddrDelay {
	out := make([]network.AddrDelay, 0, len(addrs))
	for _, a := range addrs {
		if b.allowed("", a) {
			out = append(out, network.AddrDelay{Addr: a})
		}
	}
	return out
}

// InterceptPeerDial allows dials to configured peers only.
func (b *LegBook) InterceptPeerDial(p peer.ID) bool {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.peers[p] != nil
}

// InterceptAddrDial allows exactly the configured address of that peer.
func (b *LegBook) InterceptAddrDial(p peer.ID, a ma.Multiaddr) bool { return b.allowed(p, a) }

// InterceptAccept accepts every inbound connection.
func (b *LegBook) InterceptAccept(network.ConnMultiaddrs) bool { return true }

// InterceptSecured accepts every authenticated connection.
func (b *LegBook) InterceptSecured(network.Direction, peer.ID, network.ConnMultiaddrs) bool {
	return true
}

// InterceptUpgraded accepts every upgraded connection.
func (b *LegBook) InterceptUpgraded(network.Conn) (bool, control.DisconnectReason) { return true, 0 }

func stripP2P(a ma.Multiaddr) ma.Multiaddr {
	plain, last := ma.SplitLast(a)
	if last != nil && last.Protocol().Code == ma.P_P2P {
		return plain
	}
	return a
}

func transportOf(a ma.Multiaddr) string {
	if strings.Contains(a.String(), "/quic") {
		return "quic"
	}
	return "tcp"
}

func dirName(d network.Direction) string {
	switch d {
	case network.DirOutbound:
		return "outbound"
	case network.DirInbound:
		return "inbound"
	default:
		return "unknown"
	}
}
