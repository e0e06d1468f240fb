package audit

import (
	"context"
	"fmt"

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
func Verify(ctx context.Context, st store.Store) (Verification, error) {
	var v Verification
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
			v.OK = true
			return v, nil
		}
	}
}
