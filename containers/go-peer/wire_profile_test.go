package main

import (
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

type wireVector struct {
	Note        string            `json:"note"`
	Topic       string            `json:"topic"`
	Data        string            `json:"data"`
	SnappyValid bool              `json:"snappyValid"`
	IDs         map[string]string `json:"ids"`
}

// The shared vectors (containers/wire-vectors.json): the same ids in every implementation.
func TestWireVectors(t *testing.T) {
	text, err := os.ReadFile(filepath.Join("..", "wire-vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	var doc struct{ Vectors []wireVector }
	if err := json.Unmarshal(text, &doc); err != nil {
		t.Fatal(err)
	}
	if len(doc.Vectors) == 0 {
		t.Fatal("containers/wire-vectors.json holds no vectors")
	}
	for _, v := range doc.Vectors {
		data, err := hex.DecodeString(v.Data)
		if err != nil {
			t.Fatalf("%s: data: %v", v.Note, err)
		}
		if got := DecompressesAsSnappy(data); got != v.SnappyValid {
			t.Errorf("%s: snappy valid = %v, vectors say %v", v.Note, got, v.SnappyValid)
		}
		for _, profile := range []string{WireLean, WireZigLibp2p} {
			want, ok := v.IDs[profile]
			if !ok {
				t.Errorf("%s: no id for profile %s", v.Note, profile)
				continue
			}
			if got := hex.EncodeToString(MessageIDFor(profile)(v.Topic, data)); got != want {
				t.Errorf("%s: %s id = %s, vectors say %s", v.Note, profile, got, want)
			}
		}
	}
}
