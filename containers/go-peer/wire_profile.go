package main

// Wire profiles: the gossip message-id function a devnet uses (containers/CONTRACT.md,
// "Wire profiles"; vectors every implementation checks: containers/wire-vectors.json).
//
//	lean        sha256(u64le(len(topic)) | topic | data)[0:20]
//	zig-libp2p  sha256(domain | u32be(len(topic)) | topic | data)[0:20]
//	            domain 01000000 when data decompresses as one snappy block, else 00000000
//	            (the consensus spec's MESSAGE_DOMAIN_VALID_SNAPPY / _INVALID_SNAPPY); the hash
//	            covers the data as sent, not its decompressed form, as zig-libp2p computes it.

import (
	"crypto/sha256"
	"encoding/binary"

	"github.com/golang/snappy"
)

const (
	WireLean      = "lean"
	WireZigLibp2p = "zig-libp2p"
)

var (
	domainValidSnappy   = []byte{1, 0, 0, 0}
	domainInvalidSnappy = []byte{0, 0, 0, 0}
)

// MessageIDFn computes a message id (20 raw bytes; events show it as hex).
type MessageIDFn func(topic string, data []byte) []byte

// MessageIDFor is the id function of a wire profile (the schema has checked the name; "" is lean).
func MessageIDFor(profile string) MessageIDFn {
	if profile == WireZigLibp2p {
		return zigLibp2pMessageID
	}
	return leanMessageID
}

// DecompressesAsSnappy: golang/snappy's Decode is strict (the decoded length must equal the
// declared one), the same verdict as the Rust snap crate the TS and Rust nodes use.
func DecompressesAsSnappy(data []byte) bool {
	_, err := snappy.Decode(nil, data)
	return err == nil
}

func leanMessageID(topic string, data []byte) []byte {
	var n [8]byte
	binary.LittleEndian.PutUint64(n[:], uint64(len(topic)))
	h := sha256.New()
	h.Write(n[:])
	h.Write([]byte(topic))
	h.Write(data)
	return h.Sum(nil)[:20]
}

func zigLibp2pMessageID(topic string, data []byte) []byte {
	var n [4]byte
	binary.BigEndian.PutUint32(n[:], uint32(len(topic)))
	domain := domainInvalidSnappy
	if DecompressesAsSnappy(data) {
		domain = domainValidSnappy
	}
	h := sha256.New()
	h.Write(domain)
	h.Write(n[:])
	h.Write([]byte(topic))
	h.Write(data)
	return h.Sum(nil)[:20]
}
