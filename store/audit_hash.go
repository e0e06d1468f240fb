package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
)

// auditCanonical is the hashed form of an entry: every field except the two
// hashes, in this fixed order, with the time in fixed-width UTC microseconds.
// Changing it breaks every existing chain, so it is versioned by its shape.
type auditCanonical struct {
	Seq                int64  `json:"seq"`
	ID                 string `json:"id"`
	Time               string `json:"time"`
	ActorUser          string `json:"actor_user"`
	ActorRole          string `json:"actor_role"`
	Action             string `json:"action"`
	ObjectType         string `json:"object_type"`
	ObjectID           string `json:"object_id"`
	PurposeID          string `json:"purpose_id"`
	ProcessingActivity string `json:"processing_activity"`
	Justification      string `json:"justification"`
	Origin             string `json:"origin"`
	Result             string `json:"result"`
	Detail             string `json:"detail"`
	TraceID            string `json:"trace_id"`
}

// ComputeHash returns the hex SHA-256 of PrevHash followed by the canonical
// JSON encoding of the entry's other fields (Hash itself excluded). A
// verifier recomputes it for each stored entry and compares it with Hash,
// and compares PrevHash with the previous entry's Hash.
func (e AuditEntry) ComputeHash() string {
	c := auditCanonical{
		Seq:                e.Seq,
		ID:                 e.ID,
		Time:               normTime(e.Time).Format(sqliteTimeLayout),
		ActorUser:          e.ActorUser,
		ActorRole:          e.ActorRole,
		Action:             e.Action,
		ObjectType:         e.ObjectType,
		ObjectID:           e.ObjectID,
		PurposeID:          e.PurposeID,
		ProcessingActivity: e.ProcessingActivity,
		Justification:      e.Justification,
		Origin:             e.Origin,
		Result:             e.Result,
		Detail:             e.Detail,
		TraceID:            e.TraceID,
	}
	// Marshalling a struct of strings and an int cannot fail.
	body, _ := json.Marshal(c)
	h := sha256.New()
	h.Write([]byte(e.PrevHash))
	h.Write(body)
	return hex.EncodeToString(h.Sum(nil))
}
