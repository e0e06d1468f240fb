package audit

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"verrijk/store"
)

// Verification is the outcome of checking the audit chain.
type Verification struct {
	OK      bool   `json:"ok"`
	Entries int64  `json:"entries"`
	Head    string `json:"head"` // hash of the last entry checked
	// FirstBroken names the first entry that does not fit the chain (0 when
	// OK), and Problem says how.
	FirstBroken int64  `json:"first_broken,omitempty"`
	Problem     string `json:"problem,omitempty"`
}

// verifyPage is how many entries are read at a time.
const verifyPage = 1000

// Verify walks the whole log in sequence order and checks that every entry
// still hashes to its stored hash (an edit), points at the previous entry's
// hash (a deletion or reordering), and that sequence numbers have no gaps
// (a deletion). It stops at the first broken entry.
//
// Recorded heads (RecordHead) catch what the chain alone cannot: a tail cut
// off, or the whole chain rewritten from some entry on.
func Verify(ctx context.Context, st store.Store) (Verification, error) {
	var v Verification
	heads, err := st.AuditHeads(ctx)
	if err != nil {
		return v, err
	}
	headAt := map[int64]string{}
	var lastHead store.AuditHead
	for _, h := range heads {
		headAt[h.Seq] = h.Hash
		if h.Seq > lastHead.Seq {
			lastHead = h
		}
	}
	prevHash, prevSeq := "", int64(0)
	for {
		page, err := st.ListAudit(ctx, store.AuditFilter{AfterSeq: prevSeq, Limit: verifyPage})
		if err != nil {
			return v, fmt.Errorf("reading the audit log after entry %d: %w", prevSeq, err)
		}
		for _, e := range page {
			problem := ""
			switch {
			case e.Seq != prevSeq+1:
				problem = fmt.Sprintf("follows entry %d: entries %d to %d are missing", prevSeq, prevSeq+1, e.Seq-1)
			case e.PrevHash != prevHash:
				problem = "does not point at the previous entry's hash (an entry before it was removed, replaced or reordered)"
			case e.ComputeHash() != e.Hash:
				problem = "its content no longer matches its hash (the entry was edited)"
			case headAt[e.Seq] != "" && headAt[e.Seq] != e.Hash:
				problem = "differs from the head recorded for it (the chain was rewritten from here or earlier)"
			}
			if problem != "" {
				v.FirstBroken, v.Problem = e.Seq, fmt.Sprintf("entry %d %s", e.Seq, problem)
				return v, nil
			}
			prevHash, prevSeq = e.Hash, e.Seq
			v.Entries++
			v.Head = e.Hash
		}
		if len(page) < verifyPage {
			if lastHead.Seq > prevSeq {
				v.FirstBroken = prevSeq + 1
				v.Problem = fmt.Sprintf("the log ends at entry %d, but entry %d was recorded as its head on %s (entries were cut off)",
					prevSeq, lastHead.Seq, lastHead.RecordedAt.Format("2006-01-02 15:04"))
				return v, nil
			}
			v.OK = true
			return v, nil
		}
	}
}

// RecordHead records the chain's current head, so that a later Verify can
// tell when entries after it were removed.
func RecordHead(ctx context.Context, st store.Store) (store.AuditHead, error) {
	return st.RecordAuditHead(ctx)
}

// KeepRecordingHeads records the head now and every interval until ctx
// ends; a failure is logged and tried again at the next tick.
func KeepRecordingHeads(ctx context.Context, st store.Store, interval time.Duration, log *slog.Logger) {
	ticker := time.NewTicker(interval)
	defer ticker.Stop()
	for {
		if _, err := st.RecordAuditHead(ctx); err != nil && ctx.Err() == nil {
			log.Warn("recording the audit chain's head", "err", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}
