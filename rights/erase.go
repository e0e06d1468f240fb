package rights

import (
	"context"
	"fmt"
	"strings"

	"verrijk/audit"
	"verrijk/index"
	"verrijk/pipeline/subject"
	"verrijk/store"
)

// Erasure is what an erasure removed.
type Erasure struct {
	Identifier string   `json:"identifier"`
	Entities   []string `json:"entities"`
	Links      int      `json:"links"`
	Evidence   int      `json:"evidence"`
	Subjects   int      `json:"subjects"`
	// Referring lists entities that name an erased one and were kept:
	// they are about someone or something else (a company at an erased
	// address); the privacy officer decides on them separately.
	Referring []string `json:"referring"`
	// IndexError is set when the index could not drop the entities now;
	// the retention sweeper drops them from the log on its next run.
	IndexError string `json:"index_error,omitempty"`
}

// Erase removes everything held on sub: the entities about it with their
// links and the evidence only they referenced, and the signal subjects
// naming it. Store deletions and their log lines are one transaction; the
// log keeps ids and a keyed pseudonym of the identifier, never the
// identifier itself (key: audit.pseudonym_key). The processing log itself
// is kept: it is the accountability record (AVG art. 5(2), 17(3)(b)). ix
// may be nil.
func Erase(ctx context.Context, st store.Store, ix index.Index, actor audit.Actor, key []byte,
	sub subject.Subject, reason string) (Erasure, error) {
	res := Erasure{Identifier: sub.String(), Entities: []string{}, Referring: []string{}}
	if strings.TrimSpace(reason) == "" {
		return res, fmt.Errorf("an erasure needs a reason")
	}
	pseudonym := audit.Pseudonym(key, sub.String())
	err := st.Atomic(ctx, func(tx store.Store) error {
		about, referring, err := Find(ctx, tx, sub)
		if err != nil {
			return err
		}
		ids := make([]string, 0, len(about))
		for _, e := range about {
			ids = append(ids, e.ID)
		}
		for _, e := range referring {
			res.Referring = append(res.Referring, e.ID)
		}
		subjects, err := tx.SubjectsByValue(ctx, sub.Type, sub.Value)
		if err != nil {
			return err
		}
		subjectIDs := make([]string, 0, len(subjects))
		for _, s := range subjects {
			subjectIDs = append(subjectIDs, s.ID)
		}
		if res.Subjects, err = tx.DeleteSubjects(ctx, subjectIDs); err != nil {
			return err
		}
		links, err := tx.DeleteEntityLinks(ctx, ids)
		if err != nil {
			return err
		}
		res.Links = len(links)
		purged, err := tx.DeleteEntities(ctx, ids)
		if err != nil {
			return err
		}
		res.Entities = append(res.Entities, purged.Entities...)
		res.Evidence = len(purged.Evidence)
		log := audit.New(tx)
		for _, id := range purged.Entities {
			if _, err := log.Record(ctx, actor, audit.Entry{Action: audit.ActionSubjectErased, ObjectType: "entity",
				ObjectID: id, Detail: "erased on request for subject " + pseudonym}); err != nil {
				return err
			}
		}
		_, err = log.Record(ctx, actor, audit.Entry{Action: audit.ActionSubjectErased, ObjectType: "subject",
			ObjectID: pseudonym, Justification: reason, Detail: fmt.Sprintf(
				"type=%s entities=%d links=%d evidence=%d subjects=%d kept_referring=%s",
				sub.Type, len(purged.Entities), res.Links, res.Evidence, res.Subjects, strings.Join(res.Referring, ","))})
		return err
	})
	if err != nil {
		return Erasure{Identifier: res.Identifier}, err
	}
	if ix != nil && len(res.Entities) > 0 {
		if err := ix.Delete(ctx, res.Entities...); err != nil {
			res.IndexError = err.Error()
		}
	}
	return res, nil
}
