// velvet-tlog-verify checks Velvet Rope's audit log as any outsider would: with Go's own
// golang.org/x/mod/sumdb/note and sumdb/tlog (Debian's golang-golang-x-mod-dev), code this
// project did not write. It fetches the C2SP checkpoint and tlog-tiles from the portal, verifies
// the log's Ed25519 note signature, recomputes the root from the tiles (tlog.TileHashReader
// authenticates every tile against the checkpoint), checks that every public entry hashes to its
// leaf hash, proves one record's inclusion and, given an older checkpoint, consistency with it.
//
//	velvet-tlog-verify -url http://host/audit-log -vkey 'origin+id+key' [-old old-checkpoint] [-record N]
package main

import (
	"encoding/base64"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const height = 8

type tileReader struct {
	base  string
	cache map[string][]byte
}

func (r *tileReader) Height() int { return height }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		// Go names tiles tile/<H>/<L>/<N>; C2SP tlog-tiles drops the height: tile/<L>/<N>.
		path := "tile/" + strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", height))
		data, err := r.get(path)
		if err != nil {
			return nil, err
		}
		out[i] = data
	}
	return out, nil
}

func (r *tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

func (r *tileReader) get(path string) ([]byte, error) {
	if data, ok := r.cache[path]; ok {
		return data, nil
	}
	res, err := http.Get(r.base + "/" + path)
	if err != nil {
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, err
	}
	if res.StatusCode != 200 {
		return nil, fmt.Errorf("GET %s: HTTP %d %s", path, res.StatusCode, strings.TrimSpace(string(data)))
	}
	r.cache[path] = data
	return data, nil
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// openCheckpoint verifies the note signature with the log's key (note.Open ignores witness
// cosignatures from keys it does not know) and parses the C2SP checkpoint body.
func openCheckpoint(text []byte, verifier note.Verifier) (checkpoint, error) {
	n, err := note.Open(text, note.VerifierList(verifier))
	if err != nil {
		return checkpoint{}, fmt.Errorf("checkpoint signature: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 || lines[0] != verifier.Name() {
		return checkpoint{}, errors.New("checkpoint: origin line does not name the log")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		return checkpoint{}, errors.New("checkpoint: bad size")
	}
	root, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(root) != tlog.HashSize {
		return checkpoint{}, errors.New("checkpoint: bad root hash")
	}
	var h tlog.Hash
	copy(h[:], root)
	return checkpoint{origin: lines[0], size: size, root: h}, nil
}

func run() error {
	base := flag.String("url", "", "the log's URL prefix (serving /checkpoint and /tile/...)")
	vkey := flag.String("vkey", "", "the log's note verifier key")
	oldPath := flag.String("old", "", "a checkpoint saved earlier: prove the log consistent with it")
	record := flag.Int64("record", 0, "a record whose inclusion to prove")
	flag.Parse()
	verifier, err := note.NewVerifier(*vkey)
	if err != nil {
		return fmt.Errorf("verifier key: %v", err)
	}
	r := &tileReader{base: strings.TrimSuffix(*base, "/"), cache: map[string][]byte{}}
	text, err := r.get("checkpoint")
	if err != nil {
		return err
	}
	cp, err := openCheckpoint(text, verifier)
	if err != nil {
		return err
	}
	tree := tlog.Tree{N: cp.size, Hash: cp.root}
	hashes := tlog.TileHashReader(tree, r)
	root, err := tlog.TreeHash(cp.size, hashes)
	if err != nil {
		return fmt.Errorf("tiles: %v", err)
	}
	if root != cp.root {
		return fmt.Errorf("tiles: root %v, checkpoint says %v", root, cp.root)
	}

	// Every public entry must hash (RFC 6962 leaf hash) to the authenticated level-0 tile hash.
	for start := int64(0); start < cp.size; start += 256 {
		width := cp.size - start
		path := fmt.Sprintf("tile/entries/%s", strings.TrimPrefix(tlog.Tile{H: height, L: 0, N: start / 256, W: 256}.Path(), "tile/8/0/"))
		if width < 256 {
			path = fmt.Sprintf("tile/entries/%s", strings.TrimPrefix(tlog.Tile{H: height, L: 0, N: start / 256, W: int(width)}.Path(), "tile/8/0/"))
		} else {
			width = 256
		}
		bundle, err := r.get(path)
		if err != nil {
			return err
		}
		for i := int64(0); i < width; i++ {
			if len(bundle) < 2 {
				return fmt.Errorf("entry bundle %s: too short", path)
			}
			n := int(binary.BigEndian.Uint16(bundle))
			if len(bundle) < 2+n {
				return fmt.Errorf("entry bundle %s: truncated", path)
			}
			entry := bundle[2 : 2+n]
			bundle = bundle[2+n:]
			stored, err := hashes.ReadHashes([]int64{tlog.StoredHashIndex(0, start+i)})
			if err != nil {
				return err
			}
			if tlog.RecordHash(entry) != stored[0] {
				return fmt.Errorf("entry %d does not hash to its leaf hash", start+i)
			}
		}
		if len(bundle) != 0 {
			return fmt.Errorf("entry bundle %s: trailing bytes", path)
		}
	}

	if cp.size > 0 {
		proof, err := tlog.ProveRecord(cp.size, *record, hashes)
		if err != nil {
			return fmt.Errorf("inclusion of %d: %v", *record, err)
		}
		leaf, err := hashes.ReadHashes([]int64{tlog.StoredHashIndex(0, *record)})
		if err != nil {
			return err
		}
		if err := tlog.CheckRecord(proof, cp.size, cp.root, *record, leaf[0]); err != nil {
			return fmt.Errorf("inclusion of %d: %v", *record, err)
		}
	}

	if *oldPath != "" {
		oldText, err := os.ReadFile(*oldPath)
		if err != nil {
			return err
		}
		old, err := openCheckpoint(oldText, verifier)
		if err != nil {
			return fmt.Errorf("old %v", err)
		}
		if old.size > cp.size {
			return fmt.Errorf("the log shrank from %d to %d", old.size, cp.size)
		}
		proof, err := tlog.ProveTree(cp.size, old.size, hashes)
		if err != nil {
			return fmt.Errorf("consistency: %v", err)
		}
		if err := tlog.CheckTree(proof, cp.size, cp.root, old.size, old.root); err != nil {
			return fmt.Errorf("consistency with the old checkpoint (%d): %v", old.size, err)
		}
		fmt.Printf("consistent with the old checkpoint of %d entries\n", old.size)
	}
	fmt.Printf("OK: %s, %d entries, root %v: signature, tiles, entries and inclusion of record %d verified\n", cp.origin, cp.size, cp.root, *record)
	return nil
}

func main() {
	if err := run(); err != nil {
		fmt.Fprintln(os.Stderr, "FAIL:", err)
		os.Exit(1)
	}
}
