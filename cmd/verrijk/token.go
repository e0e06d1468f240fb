package main

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"verrijk/api"
	"verrijk/audit"
	"verrijk/store"
)

func newTokenCmd(g *globals) *cobra.Command {
	cmd := &cobra.Command{Use: "token", Short: "Manage API tokens"}
	var user, role, team string
	create := &cobra.Command{
		Use:   "create --user U --role R [--team T]",
		Short: "Create an API token and print it (only the token, on stdout)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			user, team = strings.TrimSpace(user), strings.TrimSpace(team)
			if user == "" {
				return fmt.Errorf("--user is required")
			}
			if !slices.Contains(api.Roles, role) {
				return fmt.Errorf("--role %q is not a role; roles: %s", role, strings.Join(api.Roles, ", "))
			}
			cfg, err := g.loadConfig()
			if err != nil {
				return err
			}
			st, err := openMigratedStore(cmd.Context(), cfg)
			if err != nil {
				return err
			}
			defer st.Close()
			token, hash, err := api.NewToken()
			if err != nil {
				return err
			}
			if err := st.CreateToken(cmd.Context(), store.Token{Hash: hash, User: user, Role: role, Team: team}); err != nil {
				return fmt.Errorf("storing token: %w", err)
			}
			if _, err := audit.New(st).Record(cmd.Context(), audit.Actor{User: "cli", Role: "admin", Origin: "verrijk token create"},
				audit.Entry{Action: audit.ActionTokenCreated, ObjectType: "user", ObjectID: user,
					Detail: "role=" + role + " team=" + team}); err != nil {
				return err
			}
			fmt.Fprintln(g.stdout, token)
			return nil
		},
	}
	create.Flags().StringVar(&user, "user", "", "user the token acts for (required)")
	create.Flags().StringVar(&role, "role", "", "role: "+strings.Join(api.Roles, ", "))
	create.Flags().StringVar(&team, "team", "", "team whose signals the user works on")
	cmd.AddCommand(create)
	return cmd
}
