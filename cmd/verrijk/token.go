package main

import (
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/store"
)

// maxTokenLifetime caps --expires: a typo like 90000d is refused, not kept.
const maxTokenLifetime = 10 * 366 * 24 * time.Hour

func newTokenCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	cmd.AddCommand(newTokenCreateCmd(g), newTokenListCmd(g), newTokenRevokeCmd(g))
	return cmd
}

func newTokenCreateCmd(g *globals) *cobra.Command {
	var user, role, team, expires string
	create := &cobra.Command{
		Use:   "create --user U --role R [--team T] [--expires 90d|720h]",
		Short: "Create an API token and print it (only the token, on stdout)",
		Long: "Create an API token and print it (only the token, on stdout). Without --expires the token " +
			"does not expire; revoke it with `verrijk token revoke ID` when it is no longer needed.",
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			user, team = strings.TrimSpace(user), strings.TrimSpace(team)
			if user == "" {
				return fmt.Errorf("--user is required")
			}
			if !slices.Contains(api.Roles, role) {
				return fmt.Errorf("--role %q is not a role; roles: %s", role, strings.Join(api.Roles, ", "))
			}
			var expiresAt time.Time
			if expires != "" {
				d, err := parseLifetime(expires)
				if err != nil {
					return fmt.Errorf("--expires: %w", err)
				}
				expiresAt = time.Now().Add(d).UTC()
			}
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			token, _, err := api.IssueToken(cmd.Context(), st, audit.Actor{User: "cli", Role: "admin", Origin: "verrijk token create"},
				store.Token{User: user, Role: role, Team: team, ExpiresAt: expiresAt})
			if err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, token)
			return nil
		},
	}
	create.Flags().StringVar(&user, "user", "", "user the token acts for (required)")
	create.Flags().StringVar(&role, "role", "", "role: "+strings.Join(api.Roles, ", "))
	create.Flags().StringVar(&team, "team", "", "team whose signals the user works on")
	create.Flags().StringVar(&expires, "expires", "", "lifetime, in days (90d) or as a Go duration (720h); default: no expiry")
	return create
}

func newTokenListCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "list",
		Short: "List API tokens: id, user, role, team, created, expires, revoked (never the secret)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			tokens, err := st.ListTokens(cmd.Context())
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tUSER\tROLE\tTEAM\tCREATED\tEXPIRES\tREVOKED")
			for _, t := range tokens {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%s\n", t.ID, t.User, t.Role, orDash(t.Team),
					stamp(t.CreatedAt), stamp(t.ExpiresAt), stamp(t.RevokedAt))
			}
			return tw.Flush()
		},
	}
}

func newTokenRevokeCmd(g *globals) *cobra.Command {
	return &cobra.Command{
		Use:   "revoke ID",
		Short: "Revoke an API token by the id `verrijk token list` shows; it is refused at once",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id := strings.ToLower(strings.TrimSpace(args[0]))
			st, err := g.openStore(cmd.Context())
			if err != nil {
				return err
			}
			defer st.Close()
			_, err = api.RevokeToken(cmd.Context(), st, audit.Actor{User: "cli", Role: "admin", Origin: "verrijk token revoke"}, id)
			if errors.Is(err, store.ErrNotFound) {
				return fmt.Errorf("no token with id %q (see verrijk token list)", id)
			}
			if err != nil {
				return err
			}
			fmt.Fprintf(g.stdout, "revoked token %s\n", id)
			return nil
		},
	}
}

// parseLifetime reads "90d" (days) or a Go duration ("720h").
func parseLifetime(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	var d time.Duration
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err == nil && (n <= 0 || n > 3660) {
			return 0, fmt.Errorf("%q: must be positive and at most 10 years", s)
		}
		if err != nil {
			return 0, fmt.Errorf("%q: want days like 90d or a duration like 720h", s)
		}
		d = time.Duration(n) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q: want days like 90d or a duration like 720h", s)
		}
	}
	if d <= 0 || d > maxTokenLifetime {
		return 0, fmt.Errorf("%q: must be positive and at most 10 years", s)
	}
	return d, nil
}

func stamp(t time.Time) string {
	if t.IsZero() {
		return "-"
	}
	return t.UTC().Format(time.RFC3339)
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
