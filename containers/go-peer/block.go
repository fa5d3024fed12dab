package main

// Block wire format (contract section 5, "Blocks"), byte for byte the same as
// containers/ts-node/block.ts:
//
//	topic:   /leanconsensus/<forkDigest>/block/ssz_snappy
//	payload: u64le(slot) | u64le(proposer config index) | u64le(publish unix ms) | zeros up to `bytes`
//	msg id:  as attestations (MessageID)

import (
	"encoding/binary"
	"fmt"
)

const blockHeaderBytes = 24

// Block is the decoded header of one block payload.
type Block struct {
	Slot          uint64
	Proposer      uint64
	PublishedAtMs uint64
}

// BlockTopic is the one block topic.
func BlockTopic(forkDigest string) string {
	return fmt.Sprintf("/leanconsensus/%s/block/ssz_snappy", forkDigest)
}

// Proposes: whether this node proposes in slot (the harness gives each proposer its own offset).
func Proposes(b *BlockDuty, slot int64) bool {
	return b != nil && b.Every != nil && slot%*b.Every == b.Offset
}

// EncodeBlock lays out the payload exactly as the TS node does.
func EncodeBlock(b Block, bytes int) []byte {
	buf := make([]byte, max(blockHeaderBytes, bytes))
	binary.LittleEndian.PutUint64(buf[0:], b.Slot)
	binary.LittleEndian.PutUint64(buf[8:], b.Proposer)
	binary.LittleEndian.PutUint64(buf[16:], b.PublishedAtMs)
	return buf
}

// DecodeBlock reads the header back; false when the payload is too short.
func DecodeBlock(data []byte) (Block, bool) {
	if len(data) < blockHeaderBytes {
		return Block{}, false
	}
	return Block{
		Slot:          binary.LittleEndian.Uint64(data[0:]),
		Proposer:      binary.LittleEndian.Uint64(data[8:]),
		PublishedAtMs: binary.LittleEndian.Uint64(data[16:]),
	}, true
}
