// meshflap Go peer: `meshflap-go-peer <config.json>`, a reference peer built
// on go-libp2p and stock go-libp2p-pubsub that follows containers/CONTRACT.md.
//
// Exit codes: 0 stopped by SIGTERM/SIGINT or stdin EOF (exitOnStdinClose),
// 2 bad config or a listen/control address in use, 1 any other failure.
// Events on stdout (NDJSON), diagnostics on stderr.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"sync"
	"syscall"
	"time"

	ma "github.com/multiformats/go-multiaddr"
)

const (
	exitOK        = 0
	exitFailure   = 1
	exitBadConfig = 2
)

func main() {
	os.Exit(run(os.Args[1:]))
}

func run(args []string) int {
	visibility, file, err := parseArgs(args)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return exitBadConfig
	}
	cfg, err := LoadConfig(file)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		var ce *ConfigError
		if errors.As(err, &ce) {
			return exitBadConfig
		}
		return exitFailure
	}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	events := NewEventLog(os.Stdout)
	events.hidden = visibility.hiddenEvents()
	n := &Node{Config: cfg, Events: events, Visibility: visibility}
	metrics := NewNodeMetrics(n)
	events.OnEmit(metrics.Observe)

	control, err := ListenControl(cfg.Control.Host, cfg.Control.Port)
	if err != nil {
		return startFailure(file, err)
	}
	if err := BuildNode(ctx, n); err != nil {
		_ = control.Close()
		return startFailure(file, err)
	}
	for _, l := range cfg.Listen {
		addr, err := ma.NewMultiaddr(l)
		if err == nil {
			err = n.Host.Network().Listen(addr)
		}
		if err != nil {
			_ = control.Close()
			_ = n.Host.Close()
			return startFailure(file, fmt.Errorf("listen %s: %w", l, err))
		}
	}
	duties, err := StartDuties(ctx, n.PubSub, n.Host.ID(), cfg.Index, cfg.Duties, n.Tracer, events)
	if err != nil {
		_ = control.Close()
		_ = n.Host.Close()
		return startFailure(file, err)
	}
	n.Duties = duties
	n.Sched = NewSchedProbe(events)
	api := ServeControl(control, n, metrics)

	exit := make(chan int, 1)
	var stopOnce sync.Once
	stop := func(code int) {
		stopOnce.Do(func() {
			n.Duties.Stop()
			n.Legs.Stop()
			api.Close()
			done := make(chan struct{})
			go func() { _ = n.Host.Close(); close(done) }()
			select {
			case <-done:
			case <-time.After(3 * time.Second):
				fmt.Fprintln(os.Stderr, "host did not close within 3 s; exiting anyway")
			}
			exit <- code
		})
	}
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGTERM, syscall.SIGINT)
	go func() { <-signals; stop(exitOK) }()
	if cfg.ExitOnStdinClose {
		go func() { _, _ = io.Copy(io.Discard, os.Stdin); stop(exitOK) }()
	}

	ready := Fields{
		"name": cfg.Name, "peerId": n.Host.ID().String(), "impl": Impl, "gossipPolicy": PolicyStock,
		"listen": n.ListenAddrs(), "control": api.URL, "pid": os.Getpid(),
	}
	if len(visibility.Unreported) > 0 {
		ready["unreported"] = visibility.Unreported
	}
	events.Emit("ready", ready)
	n.Sched.Start(ctx) // timer lateness as `sched` events, after `ready` (the first event)
	for _, p := range cfg.Peers {
		go func() { _, _ = n.Legs.AddPeer(ctx, p) }() // a failure is an error event; the redial is scheduled
	}
	return <-exit
}

// startFailure reports a start error: an address in use is a config problem (exit 2).
func startFailure(file string, err error) int {
	if strings.Contains(strings.ToLower(err.Error()), "address already in use") {
		fmt.Fprintf(os.Stderr, "%s: a listen or control address is already in use: %v\n", file, err)
		return exitBadConfig
	}
	fmt.Fprintf(os.Stderr, "node failed to start: %v\n", err)
	return exitFailure
}
