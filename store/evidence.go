package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
)

// SaveEvidence stores a raw response under the SHA-256 of its body. An empty
// SHA256 is computed; a given one must match the body. Saving the same body
// again keeps the first record: the proof is the bytes, not who fetched them.
func (s *sqlStore) SaveEvidence(ctx context.Context, e Evidence) error {
	sum := sha256.Sum256(e.Body)
	got := hex.EncodeToString(sum[:])
	if e.SHA256 == "" {
		e.SHA256 = got
	}
	if !strings.EqualFold(e.SHA256, got) {
		return fmt.Errorf("saving evidence: sha256 %s does not match its body", e.SHA256)
	}
	e.SHA256 = got
	body := e.Body
	if body == nil {
		body = []byte{}
	}
	headers := map[string]string{}
	for k, v := range e.Headers {
		headers[cleanText(k)] = cleanText(v)
	}
	hdr, err := json.Marshal(headers)
	if err != nil {
		return fmt.Errorf("saving evidence headers: %w", err)
	}
	_, err = s.r().exec(ctx, `INSERT INTO evidence (sha256, body, source, kind, url, status, fetched_at, job_id, task_id, headers)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (sha256) DO NOTHING`,
		e.SHA256, body, e.Source, e.Kind, e.URL, e.Status, s.d.nullTimeArg(e.FetchedAt), e.JobID, e.TaskID, string(hdr))
	if err != nil {
		return fmt.Errorf("saving evidence: %w", err)
	}
	return nil
}

func (s *sqlStore) GetEvidence(ctx context.Context, sha string) (Evidence, error) {
	var e Evidence
	var fetched dbTime
	var hdr string
	err := s.r().row(ctx, `SELECT sha256, body, source, kind, url, status, fetched_at, job_id, task_id, headers
		FROM evidence WHERE sha256 = ?`, strings.ToLower(sha)).
		Scan(&e.SHA256, &e.Body, &e.Source, &e.Kind, &e.URL, &e.Status, &fetched, &e.JobID, &e.TaskID, &hdr)
	if err != nil {
		return Evidence{}, notFound(err, "reading evidence")
	}
	e.FetchedAt = fetched.T
	e.Headers = map[string]string{}
	if err := json.Unmarshal([]byte(hdr), &e.Headers); err != nil {
		return Evidence{}, fmt.Errorf("reading evidence headers of %s: %w", e.SHA256, err)
	}
	return e, nil
}
