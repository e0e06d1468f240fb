package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/spf13/cobra"

	"verrijk/config"
)

// defaultConfigPath is read when --config is not given and the file exists.
const defaultConfigPath = "configs/verrijk.yaml"

// exitError carries a specific exit code out of a command.
type exitError struct{ code int }

func (e exitError) Error() string { return fmt.Sprintf("exit %d", e.code) }

func execute(args []string) int {
	root := newRootCmd(os.Stdout, os.Stderr)
	root.SetArgs(args)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	err := root.ExecuteContext(ctx)
	var ee exitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.code
	default:
		fmt.Fprintln(os.Stderr, "verrijk:", err)
		return 1
	}
}

// globals are the flags every command shares.
type globals struct {
	configPath string
	server     string
	token      string
	stdout     io.Writer
	stderr     io.Writer
}

func newRootCmd(stdout, stderr io.Writer) *cobra.Command {
	g := &globals{stdout: stdout, stderr: stderr}
	root := &cobra.Command{
		Use:           "verrijk",
		Short:         "Enrich signals of undermining from open sources, purpose-bound and audited",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.PersistentFlags().StringVar(&g.configPath, "config", "", "config file (default "+defaultConfigPath+" when present)")
	root.AddCommand(newServeCmd(g), newWorkerCmd(g), newMigrateCmd(g), newTokenCmd(g),
		newEnrichCmd(g), newSearchCmd(g), newSignalCmd(g), newSourcesCmd(g), newAuditCmd(g), newReplayCmd(g))
	root.AddCommand(newRetentionCmd(g))
	root.AddCommand(newReindexCmd(g))
	root.AddCommand(newSubjectCmd(g))
	return root
}

// loadConfig reads the config file (explicit, or the default when present)
// and the environment.
func (g *globals) loadConfig() (*config.Config, error) {
	path := g.configPath
	if path == "" {
		if _, err := os.Stat(defaultConfigPath); err == nil {
			path = defaultConfigPath
		}
	}
	return config.Load(path, os.Environ())
}

// newLogger builds the process logger from config; logs go to stderr.
func newLogger(cfg *config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.Log.Level)))
	opts := &slog.HandlerOptions{Level: level}
	if cfg.Log.Format == "json" {
		return slog.New(slog.NewJSONHandler(w, opts))
	}
	return slog.New(slog.NewTextHandler(w, opts))
}
