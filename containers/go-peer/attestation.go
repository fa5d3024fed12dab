package main

// Attestation duty wire format (contract section 5), byte for byte the same as
// containers/ts-node/attestation.ts:
//
//	topic:   /leanconsensus/<forkDigest>/attestation_<validator % subnets>/ssz_snappy
//	payload: u64le(slot) | u64le(validator) | u64le(publish unix ms) | paddingBytes zero bytes
//	msg id:  the devnet's wire profile (wire_profile.go)

import (
	"encoding/binary"
	"fmt"
)

const attestationHeaderBytes = 24

// Attestation is the decoded header of one attestation payload.
type Attestation struct {
	Slot          uint64
	Validator     uint64
	PublishedAtMs uint64
}

// AttestationTopic is the topic of one attestation subnet.
func AttestationTopic(forkDigest string, subnet int) string {
	return fmt.Sprintf("/leanconsensus/%s/attestation_%d/ssz_snappy", forkDigest, subnet)
}

// AllTopics are the topics of every subnet: every node subscribes to all of them.
func AllTopics(d DutiesConfig) []string {
	out := make([]string, d.Subnets)
	for s := range out {
		out[s] = AttestationTopic(d.ForkDigest, s)
	}
	return out
}

// SubscribedTopics are the topics this node subscribes to: its subnets (all, or
// SubscribeSubnets) and, with a block duty, the block topic.
func SubscribedTopics(d DutiesConfig) []string {
	if d.SubscribeSubnets == nil {
		return append(AllTopics(d), blockTopics(d)...)
	}
	out := make([]string, 0, len(d.SubscribeSubnets)+1)
	for _, s := range d.SubscribeSubnets {
		out = append(out, AttestationTopic(d.ForkDigest, s))
	}
	return append(out, blockTopics(d)...)
}

func blockTopics(d DutiesConfig) []string {
	if d.Blocks == nil {
		return nil
	}
	return []string{BlockTopic(d.ForkDigest)}
}

// EncodeAttestation lays out the payload exactly as the TS node does.
func EncodeAttestation(a Attestation, paddingBytes int) []byte {
	buf := make([]byte, attestationHeaderBytes+paddingBytes)
	binary.LittleEndian.PutUint64(buf[0:], a.Slot)
	binary.LittleEndian.PutUint64(buf[8:], a.Validator)
	binary.LittleEndian.PutUint64(buf[16:], a.PublishedAtMs)
	return buf
}

// DecodeAttestation reads the header back; false when the payload is too short.
func DecodeAttestation(data []byte) (Attestation, bool) {
	if len(data) < attestationHeaderBytes {
		return Attestation{}, false
	}
	return Attestation{
		Slot:          binary.LittleEndian.Uint64(data[0:]),
		Validator:     binary.LittleEndian.Uint64(data[8:]),
		PublishedAtMs: binary.LittleEndian.Uint64(data[16:]),
	}, true
}
