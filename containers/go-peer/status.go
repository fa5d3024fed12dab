package main

// The GET /v1/status snapshot (contract section 7), the same shape as the TS
// node's containers/ts-node/status.ts: the node's live view of its legs,
// streams and gossip state.

import (
	"sort"
)

// StreamStatus is one stream on a leg; Gossip marks gossipsub's own streams.
type StreamStatus struct {
	ID        string `json:"id"`
	Protocol  string `json:"protocol"`
	Direction string `json:"direction"`
	Gossip    string `json:"gossip,omitempty"`
}

// LegStatus is one open connection.
type LegStatus struct {
	ID        string         `json:"id"`
	Peer      string         `json:"peer"`
	Direction string         `json:"direction"`
	Transport string         `json:"transport"`
	Local     string         `json:"local,omitempty"`
	Remote    string         `json:"remote"`
	OpenedAt  int64          `json:"openedAt"`
	Streams   []StreamStatus `json:"streams"`
}

// TopicStatus is our mesh and the known subscribers of one topic.
type TopicStatus struct {
	Mesh        []string `json:"mesh"`
	Subscribers []string `json:"subscribers"`
}

// NodeStatus is the whole snapshot.
type NodeStatus struct {
	Name          string                 `json:"name"`
	PeerID        string                 `json:"peerId"`
	Impl          string                 `json:"impl"`
	GossipPolicy  string                 `json:"gossipPolicy"`
	RedialEnabled bool                   `json:"redialEnabled"`
	Listen        []string               `json:"listen"`
	Legs          []LegStatus            `json:"legs"`
	Topics        map[string]TopicStatus `json:"topics"`
	GossipPeers   []string               `json:"gossipPeers"`
	Sched         *SchedStatus           `json:"sched,omitempty"`
	Unreported    []string               `json:"unreported,omitempty"`
}

// Status takes the snapshot.
func (n *Node) Status() NodeStatus {
	legs := []LegStatus{}
	for _, c := range n.Host.Network().Conns() {
		streams := []StreamStatus{}
		for _, s := range c.GetStreams() {
			if !n.Visibility.StreamsReported() {
				break
			}
			streams = append(streams, StreamStatus{
				ID: s.ID(), Protocol: string(s.Protocol()), Direction: dirName(s.Stat().Direction),
				Gossip: n.Observer.GossipDirection(s.ID()),
			})
		}
		sort.Slice(streams, func(i, j int) bool { return streams[i].ID < streams[j].ID })
		opened := n.Legs.OpenedAt(c.ID())
		if opened.IsZero() {
			opened = c.Stat().Opened
		}
		leg := LegStatus{
			ID: c.ID(), Peer: c.RemotePeer().String(), Direction: dirName(c.Stat().Direction),
			Transport: transportOf(c.RemoteMultiaddr()), Remote: c.RemoteMultiaddr().String(),
			OpenedAt: opened.UnixMilli(), Streams: streams,
		}
		if c.LocalMultiaddr() != nil {
			leg.Local = c.LocalMultiaddr().String()
		}
		legs = append(legs, leg)
	}
	topics := map[string]TopicStatus{}
	for _, t := range n.PubSub.GetTopics() {
		subs := []string{}
		for _, p := range n.PubSub.ListPeers(t) {
			subs = append(subs, p.String())
		}
		topics[t] = TopicStatus{Mesh: n.Tracer.Mesh(t), Subscribers: subs}
	}
	status := NodeStatus{
		Name: n.Config.Name, PeerID: n.Host.ID().String(), Impl: Impl, GossipPolicy: PolicyStock,
		RedialEnabled: n.Legs.RedialEnabled(), Listen: n.ListenAddrs(), Legs: legs, Topics: topics,
		GossipPeers: n.Tracer.Peers(), Unreported: n.Visibility.Unreported,
	}
	if n.Sched != nil {
		sched := n.Sched.Status()
		status.Sched = &sched
	}
	return status
}
