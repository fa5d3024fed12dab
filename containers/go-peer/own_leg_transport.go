package main

// Why this file exists: the contract wants our OWN outbound leg to every peer,
// even while that peer's inbound leg to us is open. go-libp2p's swarm reuses
// any open connection on DialPeer, even with network.WithForceDirectDial: that
// option only skips connections whose transport says Proxy() == true.
//
// So every QUIC/TCP transport is wrapped, and every connection it makes or
// accepts reports a transport view with Proxy() == true, while the transport
// registered with the swarm still says false (its addresses stay dialable):
//
//	DialPeer(WithForceDirectDial(ctx), p)  ->  no open conn counts as "direct"  ->  a fresh dial
//	NewStream / plain DialPeer             ->  all conns alike, so the swarm's
//	                                           stock choice among them is unchanged
//
// isDirectConn (swarm.go) is the only reader of a connection's Transport().Proxy()
// in go-libp2p v0.51; check it again when upgrading.

import (
	"context"
	"io"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/core/peer"
	"github.com/libp2p/go-libp2p/core/transport"
	ma "github.com/multiformats/go-multiaddr"
)

// ownLegTransport wraps a real transport; see the file comment.
type ownLegTransport struct {
	transport.Transport
	view *proxyView
}

// proxyView is what the connections report as their transport.
type proxyView struct{ transport.Transport }

func (*proxyView) Proxy() bool { return true }

func wrapTransport(t transport.Transport) transport.Transport {
	return &ownLegTransport{Transport: t, view: &proxyView{t}}
}

func (t *ownLegTransport) Dial(ctx context.Context, raddr ma.Multiaddr, p peer.ID) (transport.CapableConn, error) {
	c, err := t.Transport.Dial(ctx, raddr, p)
	if err != nil {
		return nil, err
	}
	return &ownLegConn{CapableConn: c, view: t.view}, nil
}

func (t *ownLegTransport) Listen(laddr ma.Multiaddr) (transport.Listener, error) {
	l, err := t.Transport.Listen(laddr)
	if err != nil {
		return nil, err
	}
	return &ownLegListener{Listener: l, view: t.view}, nil
}

// Close forwards the optional io.Closer the swarm calls on shutdown.
func (t *ownLegTransport) Close() error {
	if c, ok := t.Transport.(io.Closer); ok {
		return c.Close()
	}
	return nil
}

// ListenOrder forwards the swarm's optional listen ordering (QUIC before what shares its socket).
func (t *ownLegTransport) ListenOrder() int {
	if o, ok := t.Transport.(interface{ ListenOrder() int }); ok {
		return o.ListenOrder()
	}
	return 0
}

type ownLegListener struct {
	transport.Listener
	view *proxyView
}

func (l *ownLegListener) Accept() (transport.CapableConn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &ownLegConn{CapableConn: c, view: l.view}, nil
}

// ownLegConn is the connection as the swarm sees it: unchanged but for Transport().
type ownLegConn struct {
	transport.CapableConn
	view *proxyView
}

func (c *ownLegConn) Transport() transport.Transport { return c.view }

// Stat forwards the optional network.ConnStat the swarm reads when it adds a connection.
func (c *ownLegConn) Stat() network.ConnStats {
	if s, ok := c.CapableConn.(network.ConnStat); ok {
		return s.Stat()
	}
	return network.ConnStats{}
}
