package main

// Deterministic node identity (contract section 3), the same derivation as
// containers/ts-node/identity.ts:
//
//	key = sha256(utf8("meshflap-identity:" + seed + ":" + index))
//	while key == 0 or key >= n (secp256k1 order): key = sha256(key)

import (
	"crypto/sha256"
	"fmt"
	"math/big"

	"github.com/libp2p/go-libp2p/core/crypto"
	"github.com/libp2p/go-libp2p/core/peer"
)

var secp256k1Order, _ = new(big.Int).SetString("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141", 16)

// IdentitySecret is the 32-byte secp256k1 private scalar for (seed, index).
func IdentitySecret(seed Seed, index int) []byte {
	sum := sha256.Sum256([]byte(fmt.Sprintf("meshflap-identity:%s:%d", seed, index)))
	key := sum[:]
	for {
		scalar := new(big.Int).SetBytes(key)
		if scalar.Sign() > 0 && scalar.Cmp(secp256k1Order) < 0 {
			return key
		}
		next := sha256.Sum256(key)
		key = next[:]
	}
}

// IdentityKey is the libp2p private key for (seed, index).
func IdentityKey(seed Seed, index int) (crypto.PrivKey, error) {
	return crypto.UnmarshalSecp256k1PrivateKey(IdentitySecret(seed, index))
}

// PeerIDFor is the peer id the node with (seed, index) announces (it starts with 16Uiu2).
func PeerIDFor(seed Seed, index int) (peer.ID, error) {
	key, err := IdentityKey(seed, index)
	if err != nil {
		return "", err
	}
	return peer.IDFromPrivateKey(key)
}
