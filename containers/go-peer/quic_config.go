package main

// Applies the config's QUIC timeouts to every QUIC leg. go-libp2p v0.51 keeps
// one quic.Config for dialing (reachable: ConnManager.ClientConfig) and one for
// listening (unexported serverConfig, no option sets it). Both are set here,
// the server one through reflection, because QUIC's effective idle timeout is
// the smaller of both ends' and keep-alives are sent by each end on its own:
// without it an accepted leg would keep go-libp2p's 30 s idle timeout and 15 s
// keep-alive whatever the config says.

import (
	"context"
	"fmt"
	"net"
	"reflect"
	"time"

	"github.com/libp2p/go-libp2p/core/network"
	"github.com/libp2p/go-libp2p/p2p/transport/quicreuse"
	"github.com/quic-go/quic-go"
	"go.uber.org/fx"
)

// quicConnManager is the libp2p.QUICReuse constructor: go-libp2p's default one
// (resource-manager scope per accepted connection) plus our timeouts.
func quicConnManager(q QuicConfig) any {
	return func(key quic.StatelessResetKey, tokenKey quic.TokenGeneratorKey, rcmgr network.ResourceManager, lifecycle fx.Lifecycle) (*quicreuse.ConnManager, error) {
		cm, err := quicreuse.NewConnManager(key, tokenKey,
			quicreuse.ConnContext(func(ctx context.Context, info *quic.ClientInfo) (context.Context, error) {
				addr, err := quicreuse.ToQuicMultiaddr(info.RemoteAddr, quic.Version1)
				if err != nil {
					addr = nil
				}
				scope, err := rcmgr.OpenConnection(network.DirInbound, false, addr)
				if err != nil {
					return ctx, err
				}
				ctx = network.WithConnManagementScope(ctx, scope)
				context.AfterFunc(ctx, scope.Done)
				return ctx, nil
			}),
			quicreuse.VerifySourceAddress(func(addr net.Addr) bool { return rcmgr.VerifySourceAddress(addr) }),
		)
		if err != nil {
			return nil, err
		}
		server, err := serverConfigOf(cm)
		if err != nil {
			return nil, err
		}
		applyQuicConfig(cm.ClientConfig(), q)
		applyQuicConfig(server, q)
		lifecycle.Append(fx.StopHook(cm.Close))
		return cm, nil
	}
}

func applyQuicConfig(c *quic.Config, q QuicConfig) {
	c.MaxIdleTimeout = time.Duration(q.MaxIdleTimeoutMs) * time.Millisecond
	c.KeepAlivePeriod = time.Duration(q.KeepAliveIntervalMs) * time.Millisecond
	c.HandshakeIdleTimeout = time.Duration(q.HandshakeTimeoutMs) * time.Millisecond
}

// serverConfigOf reaches ConnManager.serverConfig; an error (not a silent
// default) if a go-libp2p upgrade renamed or retyped it.
func serverConfigOf(cm *quicreuse.ConnManager) (*quic.Config, error) {
	f := reflect.ValueOf(cm).Elem().FieldByName("serverConfig")
	if !f.IsValid() || f.Type() != reflect.TypeFor[*quic.Config]() || f.IsNil() {
		return nil, fmt.Errorf("go-libp2p's quicreuse.ConnManager has no serverConfig *quic.Config field any more: re-check quic_config.go")
	}
	return (*quic.Config)(f.UnsafePointer()), nil
}
