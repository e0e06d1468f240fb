package main

import (
	"context"
	"strings"
	"testing"
	"time"

	"verrijk/api"
	"verrijk/store"
)

// TestTokenLifecycleCLI creates tokens with and without an expiry, lists
// them (ids, never secrets), revokes one, and checks that the store then
// refuses it and that each step was audited.
func TestTokenLifecycleCLI(t *testing.T) {
	dataDir := t.TempDir()
	cfg := writeConfig(t, "data_dir: "+dataDir+"\n")
	create := func(args ...string) string {
		t.Helper()
		out, errOut, code := run(t, nil, append([]string{"token", "create", "--config", cfg}, args...)...)
		if code != 0 {
			t.Fatalf("token create %v: exit %d: %s", args, code, errOut)
		}
		return strings.TrimSpace(out)
	}
	forever := create("--user", "anna", "--role", "analyst", "--team", "team-noord")
	quarter := create("--user", "adam", "--role", "admin", "--expires", "90d")
	for _, bad := range []string{"0d", "-1h", "soon", "100000d"} {
		if _, errOut, code := run(t, nil, "token", "create", "--config", cfg, "--user", "x", "--role", "admin", "--expires", bad); code == 0 ||
			!strings.Contains(errOut, "--expires") {
			t.Errorf("--expires %s: exit %d, stderr %q; want a refusal naming --expires", bad, code, errOut)
		}
	}

	out, errOut, code := run(t, nil, "token", "list", "--config", cfg)
	if code != 0 {
		t.Fatalf("token list: exit %d: %s", code, errOut)
	}
	foreverID, quarterID := api.HashToken(forever)[:12], api.HashToken(quarter)[:12]
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ID") {
		t.Fatalf("token list printed %q, want a header and two tokens", out)
	}
	if strings.Contains(out, forever) || strings.Contains(out, api.HashToken(forever)) {
		t.Fatalf("token list shows a secret or a full hash: %s", out)
	}
	wantFields := func(line string, want ...string) {
		t.Helper()
		f := strings.Fields(line)
		if len(f) != 7 {
			t.Fatalf("list line %q: %d fields, want 7", line, len(f))
		}
		for i, w := range want {
			if w != "*" && f[i] != w {
				t.Errorf("list line %q: field %d = %q, want %q", line, i, f[i], w)
			}
		}
	}
	wantFields(lines[1], foreverID, "anna", "analyst", "team-noord", "*", "-", "-")
	wantFields(lines[2], quarterID, "adam", "admin", "-", "*", "*", "-")
	exp, err := time.Parse(time.RFC3339, strings.Fields(lines[2])[5])
	if err != nil || exp.Before(time.Now().AddDate(0, 0, 89)) || exp.After(time.Now().AddDate(0, 0, 91)) {
		t.Errorf("90d token expires %v (%v), want about 90 days from now", exp, err)
	}

	if _, errOut, code := run(t, nil, "token", "revoke", "--config", cfg, "0123456789ab"); code == 0 || !strings.Contains(errOut, "no token") {
		t.Errorf("revoking an unknown id: exit %d, stderr %q", code, errOut)
	}
	out, errOut, code = run(t, nil, "token", "revoke", "--config", cfg, foreverID)
	if code != 0 || !strings.Contains(out, foreverID) {
		t.Fatalf("token revoke: exit %d\n%s%s", code, out, errOut)
	}
	out, _, _ = run(t, nil, "token", "list", "--config", cfg)
	if f := strings.Fields(strings.Split(out, "\n")[1]); len(f) != 7 || f[6] == "-" {
		t.Errorf("revoked token listed as %q, want a revocation time", f)
	}

	// What the API's authentication asks of the store.
	ctx := context.Background()
	st, err := store.Open(ctx, "", dataDir)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.TokenByHash(ctx, api.HashToken(forever)); err == nil {
		t.Error("revoked token is still found")
	}
	if _, err := st.TokenByHash(ctx, api.HashToken(quarter)); err != nil {
		t.Errorf("unrevoked token not found: %v", err)
	}
	revoked, err := st.ListAudit(ctx, store.AuditFilter{Action: "token.revoked"})
	if err != nil || len(revoked) != 1 || revoked[0].ObjectID != "anna" || !strings.Contains(revoked[0].Detail, foreverID) {
		t.Errorf("token.revoked audit entries = %+v, %v; want one naming anna and the id", revoked, err)
	}
	created, err := st.ListAudit(ctx, store.AuditFilter{Action: "token.created"})
	if err != nil || len(created) != 2 || !strings.Contains(created[1].Detail, "expires=") {
		t.Errorf("token.created audit entries = %+v, %v; want two, the second with its expiry", created, err)
	}
}
