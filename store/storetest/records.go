package storetest

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"verrijk/store"
)

func testEvidence(t *testing.T, s store.Store) {
	ctx := t.Context()
	body := []byte("{\"kvkNummer\":\"68750110\"}\x00\xff binary tail")
	sum := sha256.Sum256(body)
	sha := hex.EncodeToString(sum[:])
	_, err := s.GetEvidence(ctx, sha)
	wantErr(t, err, store.ErrNotFound, "GetEvidence missing")

	fetched := time.Date(2025, 3, 1, 10, 0, 0, 123456789, time.FixedZone("CET", 3600))
	in := store.Evidence{SHA256: sha, Source: "kvk", Kind: "basisprofiel", URL: "https://kvk.example/68750110",
		Status: 200, FetchedAt: fetched, JobID: "job-1", TaskID: "task-1", Body: body,
		Headers: map[string]string{"Content-Type": "application/json", "Last-Modified": "Sat, 01 Mar 2025 09:00:00 GMT",
			"X-Hostile": "a\x00b\xff"}}
	if err := s.SaveEvidence(ctx, in); err != nil {
		t.Fatalf("SaveEvidence: %v", err)
	}
	// Same bytes again (another fetch) is not an error and keeps the first.
	again := in
	again.JobID = "job-2"
	if err := s.SaveEvidence(ctx, again); err != nil {
		t.Fatalf("SaveEvidence again: %v", err)
	}
	got, err := s.GetEvidence(ctx, sha)
	if err != nil {
		t.Fatalf("GetEvidence: %v", err)
	}
	if !bytes.Equal(got.Body, body) || got.SHA256 != sha || got.Source != "kvk" || got.Kind != "basisprofiel" ||
		got.URL != in.URL || got.Status != 200 || got.JobID != "job-1" || got.TaskID != "task-1" {
		t.Errorf("GetEvidence = %+v", got)
	}
	// Headers come back; text is cleaned as everywhere (no NUL, valid UTF-8).
	if got.Headers["Content-Type"] != "application/json" || got.Headers["Last-Modified"] != in.Headers["Last-Modified"] ||
		got.Headers["X-Hostile"] != "ab\uFFFD" || len(got.Headers) != 3 {
		t.Errorf("evidence headers = %q", got.Headers)
	}
	wantTime(t, "evidence fetched_at", got.FetchedAt, fetched.UTC().Truncate(time.Microsecond))

	// An empty hash is computed; a wrong one is refused.
	if err := s.SaveEvidence(ctx, store.Evidence{Source: "bag", Body: []byte("other")}); err != nil {
		t.Fatalf("SaveEvidence without hash: %v", err)
	}
	sum = sha256.Sum256([]byte("other"))
	if got, err := s.GetEvidence(ctx, hex.EncodeToString(sum[:])); err != nil || got.Source != "bag" || !got.FetchedAt.IsZero() {
		t.Errorf("evidence by computed hash = %+v, %v", got, err)
	}
	if err := s.SaveEvidence(ctx, store.Evidence{SHA256: sha, Body: []byte("not it")}); err == nil {
		t.Error("SaveEvidence with a hash that does not match the body succeeded")
	}
}

func testTokens(t *testing.T, s store.Store) {
	ctx := t.Context()
	_, err := s.TokenByHash(ctx, "abc")
	wantErr(t, err, store.ErrNotFound, "TokenByHash missing")
	if err := s.CreateToken(ctx, store.Token{Hash: "abc", User: "ana", Role: "analyst", Team: "team-a"}); err != nil {
		t.Fatalf("CreateToken: %v", err)
	}
	wantErr(t, s.CreateToken(ctx, store.Token{Hash: "abc", User: "bob", Role: "admin"}), store.ErrConflict, "CreateToken twice")
	got, err := s.TokenByHash(ctx, "abc")
	if err != nil {
		t.Fatalf("TokenByHash: %v", err)
	}
	if got.Hash != "abc" || got.User != "ana" || got.Role != "analyst" || got.Team != "team-a" || got.CreatedAt.IsZero() {
		t.Errorf("TokenByHash = %+v", got)
	}
}
