package main

// Prometheus metrics for GET /metrics, on a registry of this node's own.

import (
	"github.com/libp2p/go-libp2p/core/network"
	"github.com/prometheus/client_golang/prometheus"
)

// NodeMetrics counts events and samples legs and gossip streams at scrape time.
type NodeMetrics struct {
	Registry *prometheus.Registry
	events   *prometheus.CounterVec
}

// NewNodeMetrics registers the node's metrics; legs and streams are read from the node when scraped.
func NewNodeMetrics(n *Node) *NodeMetrics {
	reg := prometheus.NewRegistry()
	m := &NodeMetrics{
		Registry: reg,
		events:   prometheus.NewCounterVec(prometheus.CounterOpts{Name: "meshflap_node_events_total", Help: "Node events emitted, by type"}, []string{"type"}),
	}
	reg.MustRegister(m.events)
	for _, dir := range []network.Direction{network.DirOutbound, network.DirInbound} {
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "meshflap_node_legs", Help: "Open legs by direction", ConstLabels: prometheus.Labels{"direction": dirName(dir)},
		}, func() float64 {
			count := 0
			for _, c := range n.Host.Network().Conns() {
				if c.Stat().Direction == dir {
					count++
				}
			}
			return float64(count)
		}))
		reg.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{
			Name: "meshflap_node_gossip_streams", Help: "Gossip streams held, by direction", ConstLabels: prometheus.Labels{"direction": dirName(dir)},
		}, func() float64 {
			out, in := n.Observer.Counts()
			if dir == network.DirOutbound {
				return float64(out)
			}
			return float64(in)
		}))
	}
	return m
}

// Observe counts one emitted event.
func (m *NodeMetrics) Observe(eventType string) {
	m.events.WithLabelValues(eventType).Inc()
}
