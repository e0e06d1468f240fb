package storetest

import (
	"slices"
	"testing"
	"time"

	"verrijk/pipeline/entity"
	"verrijk/pipeline/subject"
	"verrijk/store"
)

// testSubjectData covers what data-subject reports and erasures use.
func testSubjectData(t *testing.T, s store.Store) {
	ctx := t.Context()
	sig := mustSignal(t, s, "inzage")
	p := mustPurpose(t, s, "bibob")
	a := company("company-a", "Café Ünal")
	a.Add("kvkNumber", "68750110")
	b := company("company-b", "Bakkerij 68750110-achtig")
	c := company("company-c", "Jansen & Zn")
	for _, e := range []entity.Entity{a, b, c} {
		if _, err := s.UpsertEntity(ctx, e); err != nil {
			t.Fatal(err)
		}
		if err := s.Link(ctx, entity.Link{SignalID: sig.ID, EntityID: e.ID, PurposeID: p.ID, JobID: "j",
			LinkedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
	}
	for token, want := range map[string][]string{
		"68750110": {"company-a", "company-b"}, // a candidate search: exact matching is the caller's
		"caf_":     {"company-a"},              // "_" matches the é
		"_nal":     {"company-a"},
		"JANSEN":   {"company-c"},
		"zzz":      nil,
	} {
		got, err := s.EntitiesContaining(ctx, token, 0)
		if err != nil {
			t.Fatalf("EntitiesContaining(%q): %v", token, err)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ID)
			if len(e.Signals) != 1 {
				t.Errorf("candidate %s without its link", e.ID)
			}
		}
		if !slices.Equal(ids, want) {
			t.Errorf("EntitiesContaining(%q) = %v, want %v", token, ids, want)
		}
	}
	for _, bad := range []string{"", "%", `a\b`, "__"} {
		if _, err := s.EntitiesContaining(ctx, bad, 0); err == nil {
			t.Errorf("EntitiesContaining(%q) accepted", bad)
		}
	}

	sub, err := s.AddSubject(ctx, store.Subject{SignalID: sig.ID, Type: subject.KvK, Value: "68750110"})
	if err != nil {
		t.Fatal(err)
	}
	subs, err := s.SubjectsByValue(ctx, subject.KvK, "68750110")
	if err != nil || len(subs) != 1 || subs[0].ID != sub.ID {
		t.Fatalf("SubjectsByValue = %+v, %v", subs, err)
	}
	if n, err := s.DeleteSubjects(ctx, []string{sub.ID, "nope"}); err != nil || n != 1 {
		t.Errorf("DeleteSubjects = %d, %v", n, err)
	}
	links, err := s.DeleteEntityLinks(ctx, []string{"company-a"})
	if err != nil || len(links) != 1 || links[0].SignalID != sig.ID {
		t.Errorf("DeleteEntityLinks = %+v, %v", links, err)
	}
	if e, _ := s.GetEntity(ctx, "company-a"); len(e.Signals) != 0 {
		t.Errorf("links left: %+v", e.Signals)
	}

	// The audit filter by mention: object id, or a value inside the detail
	// (LIKE wildcards in the mention are literal).
	for _, e := range []store.AuditEntry{
		{Action: "entity.read", ObjectID: "company-a"},
		{Action: "source.queried", ObjectID: "task-1", Detail: "source=kvk subject=kvk:68750110; 1 entities"},
		{Action: "search", ObjectID: "50%_off"},
		{Action: "search", ObjectID: "other", Detail: "5000 off"},
	} {
		if _, err := s.AppendAudit(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	for name, tc := range map[string]struct {
		mentions []string
		want     []string
	}{
		"id and detail": {[]string{"company-a", "kvk:68750110"}, []string{"company-a", "task-1"}},
		"literal %_":    {[]string{"50%_off"}, []string{"50%_off"}},
		"empty":         {[]string{""}, nil},
	} {
		got, err := s.ListAudit(ctx, store.AuditFilter{Mentions: tc.mentions})
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, e := range got {
			ids = append(ids, e.ObjectID)
		}
		if !slices.Equal(ids, tc.want) {
			t.Errorf("%s: Mentions %v = %v, want %v", name, tc.mentions, ids, tc.want)
		}
	}
}
