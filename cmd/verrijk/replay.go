package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"verrijk/sources/replays"
)

// newReplayCmd serves the recorded answers of every source on local ports,
// so verrijk can be tried and demonstrated without network access or API
// contracts (configs/offline-test.yaml points at it).
func newReplayCmd(g *globals) *cobra.Command {
	var host string
	cmd := &cobra.Command{
		Use:   "replay [--host H]",
		Short: "Serve every source's recorded answers locally (for demos and offline tests)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			errc := make(chan error, len(replays.All))
			for _, r := range replays.All {
				ln, err := net.Listen("tcp", net.JoinHostPort(host, fmt.Sprint(r.Port)))
				if err != nil {
					return fmt.Errorf("replay of %s: %w", r.Source, err)
				}
				srv := &http.Server{Handler: r.New(), ReadHeaderTimeout: 5 * time.Second}
				go func() { errc <- srv.Serve(ln) }()
				go func() { <-ctx.Done(); _ = srv.Shutdown(context.Background()) }()
				fmt.Fprintf(g.stderr, "replaying recorded %-15s answers on http://%s%s\n", r.Source, ln.Addr(), r.Path)
			}
			select {
			case <-ctx.Done():
				return nil
			case err := <-errc:
				if errors.Is(err, http.ErrServerClosed) {
					return nil
				}
				return err
			}
		},
	}
	cmd.Flags().StringVar(&host, "host", "127.0.0.1", "address to listen on (ports 18081-18089)")
	return cmd
}
