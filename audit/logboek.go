package audit

import (
	"bufio"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"verrijk/store"
)

// ActionAuditExported records an export of the log in Logboek shape.
const ActionAuditExported = "audit.exported"

// Status codes of a Logboek record.
const (
	StatusOK    = "OK"
	StatusError = "ERROR"
	StatusUnset = "UNSET" // a result this version does not know
)

// LogboekRecord is one audit entry in the shape of the Dutch government's
// draft standard Logboek Dataverwerkingen (Logius; field table in
// logboek-dataverwerkingen, sections/03-specificaties/02-component-logboek.md,
// where span_id is also called operation_id). The trace and span ids follow
// W3C Trace Context sizes: 16 and 8 bytes, as lower-case hex.
//
// Data minimisation: the record carries ids, the actor, the "why" (purpose
// and processing activity) and the outcome, but never the entry's
// justification or detail text. Those are free text typed by analysts or
// built from queries and can hold names, addresses or other personal data;
// an export leaves the system, so it holds only what an auditor or the data
// subject's request needs. The object id of anything that can identify a
// person or company is replaced by a keyed pseudonym (see Pseudonym).
type LogboekRecord struct {
	TraceID      string            `json:"trace_id"`
	SpanID       string            `json:"span_id"`
	ParentSpanID string            `json:"parent_span_id"`
	Name         string            `json:"name"`
	StartTime    string            `json:"start_time"`
	EndTime      string            `json:"end_time"`
	StatusCode   string            `json:"status_code"`
	Resource     LogboekResource   `json:"resource"`
	Attributes   map[string]string `json:"attributes"`
}

// LogboekResource names the software that did the processing.
type LogboekResource struct {
	Name    string `json:"name"`
	Version string `json:"version"`
}

// Attribute keys. The dpl.core ones are the draft's; dpl.core.purpose_id
// is verrijk's addition (the draft's core namespace has no purpose), and
// the verrijk.* keys keep what BIO 8.15 asks of a log line plus the chain
// position, so an exported line can be checked against the live log.
const (
	AttrProcessingActivity = "dpl.core.processing_activity_id"
	AttrDataSubjectID      = "dpl.core.data_subject_id"
	AttrDataSubjectIDType  = "dpl.core.data_subject_id_type"
	AttrPurposeID          = "dpl.core.purpose_id"
	AttrActor              = "verrijk.actor"
	AttrRole               = "verrijk.role"
	AttrOrigin             = "verrijk.origin"
	AttrResult             = "verrijk.result"
	AttrSeq                = "verrijk.seq"
	AttrHash               = "verrijk.hash"
)

// identifying lists the object types whose id can lead to a person or a
// company: signals and subjects are about one, entities are one, and a
// query's id is the search text itself.
var identifying = map[string]bool{"signal": true, "subject": true, "entity": true, "query": true}

// Pseudonym is the hex HMAC-SHA256 of id under key: the same id and key
// always give the same pseudonym, so one data subject's processing can be
// followed through an export, but without the key it cannot be reversed
// or matched against a guessed id.
func Pseudonym(key []byte, id string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(id))
	return hex.EncodeToString(m.Sum(nil))
}

// ToLogboek turns one audit entry into a Logboek record; key is the
// pseudonymisation key.
func ToLogboek(e store.AuditEntry, key []byte) LogboekRecord {
	t := e.Time.UTC().Format(time.RFC3339Nano)
	attrs := map[string]string{
		AttrProcessingActivity: e.ProcessingActivity,
		AttrDataSubjectID:      "",
		AttrPurposeID:          e.PurposeID,
		AttrActor:              e.ActorUser,
		AttrRole:               e.ActorRole,
		AttrOrigin:             e.Origin,
		AttrResult:             e.Result,
		AttrSeq:                strconv.FormatInt(e.Seq, 10),
		AttrHash:               e.Hash,
	}
	if identifying[e.ObjectType] && e.ObjectID != "" {
		attrs[AttrDataSubjectID] = Pseudonym(key, e.ObjectID)
		attrs[AttrDataSubjectIDType] = "verrijk:" + e.ObjectType
	}
	traceSrc := e.TraceID
	if traceSrc == "" {
		traceSrc = e.ID
	}
	return LogboekRecord{
		TraceID:    hexID(traceSrc, 16, "trace"),
		SpanID:     hexID(e.ID, 8, "span"),
		Name:       e.Action,
		StartTime:  t,
		EndTime:    t,
		StatusCode: statusCode(e.Result),
		Resource:   LogboekResource{Name: "verrijk", Version: version()},
		Attributes: attrs,
	}
}

// hexID gives an id of size bytes as lower-case hex. A trace id that
// already has that size (a UUID, with or without dashes) is kept, so the
// export's trace id still matches the job id it came from; anything else
// is hashed, under a domain label so that a trace and a span derived from
// the same entry id do not share bits.
func hexID(s string, size int, domain string) string {
	if plain := strings.ToLower(strings.ReplaceAll(s, "-", "")); len(plain) == 2*size {
		if _, err := hex.DecodeString(plain); err == nil {
			return plain
		}
	}
	sum := sha256.Sum256([]byte(domain + "\x00" + s))
	return hex.EncodeToString(sum[:size])
}

func statusCode(result string) string {
	switch result {
	case ResultOK, ResultEmpty, "":
		return StatusOK
	case ResultFailed, ResultDenied:
		return StatusError
	}
	return StatusUnset
}

// version is verrijk's module version as the build recorded it.
func version() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" {
		return bi.Main.Version
	}
	return "(devel)"
}

// exportPage is how many entries are read at a time.
const exportPage = 1000

// Export writes every entry matching f (f.Limit is ignored; f.AfterSeq is
// where it starts) as one Logboek record per line, in sequence order, and
// returns how many it wrote. Entries appended while it runs may be
// included: the log is append-only and read in seq order, so the output is
// always an unbroken prefix of the matching entries.
func Export(ctx context.Context, st store.Store, w io.Writer, f store.AuditFilter, key []byte) (n int, err error) {
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	f.Limit = exportPage
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		page, err := st.ListAudit(ctx, f)
		if err != nil {
			return n, fmt.Errorf("reading the audit log after entry %d: %w", f.AfterSeq, err)
		}
		for _, e := range page {
			if err := enc.Encode(ToLogboek(e, key)); err != nil {
				return n, fmt.Errorf("writing entry %d: %w", e.Seq, err)
			}
			n++
			f.AfterSeq = e.Seq
		}
		if err := bw.Flush(); err != nil {
			return n, fmt.Errorf("writing the export: %w", err)
		}
		if len(page) < exportPage {
			return n, nil
		}
	}
}
