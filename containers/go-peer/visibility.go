package main

// Declared visibility (containers/CONTRACT.md, "What a stack must expose"): what this peer
// reports, said in `ready` and /v1/status as `unreported`. The --no-stream-reports switch makes
// the Go peer behave like a black-box stack that exposes no per-connection stream callbacks
// (as zig-libp2p): no stream_open/stream_close events, no streams in /v1/status legs, no
// receive leg on msg_received (which this peer derives from its stream observer). It exists so
// meshflap can test what such a node costs in readiness, verdicts and `meshflap conform`.

import "fmt"

const noStreamReportsFlag = "--no-stream-reports"

// Visibility is what the peer leaves unreported; empty: everything the contract asks for.
type Visibility struct {
	Unreported []string
}

// StreamsReported: per-connection streams are in events and /v1/status.
func (v Visibility) StreamsReported() bool { return len(v.Unreported) == 0 }

// parseArgs takes the optional switch before the config path.
func parseArgs(args []string) (Visibility, string, error) {
	var v Visibility
	var rest []string
	for _, a := range args {
		if a == noStreamReportsFlag {
			v.Unreported = []string{"streams", "receiveLeg"}
			continue
		}
		rest = append(rest, a)
	}
	if len(rest) != 1 {
		return v, "", fmt.Errorf("usage: meshflap-go-peer [%s] <config.json>", noStreamReportsFlag)
	}
	return v, rest[0], nil
}

// hiddenEvents are the event types this visibility drops.
func (v Visibility) hiddenEvents() map[string]bool {
	if v.StreamsReported() {
		return nil
	}
	return map[string]bool{"stream_open": true, "stream_close": true, "subscribe_replayed": true}
}
