package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/spf13/cobra"

	"verrijk/sources/bag/bagtest"
	"verrijk/sources/kvk/kvktest"
)

// newReplayCmd serves the recorded KvK and PDOK answers from the test data
// on local ports, so verrijk can be tried and demonstrated without network
// access or an API contract (configs/offline-test.yaml points at it).
func newReplayCmd(g *globals) *cobra.Command {
	var kvkAddr, bagAddr string
	cmd := &cobra.Command{
		Use:   "replay [--kvk ADDR] [--bag ADDR]",
		Short: "Serve recorded KvK and BAG answers locally (for demos and offline tests)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			ctx := cmd.Context()
			errc := make(chan error, 2)
			for _, s := range []struct {
				name, addr string
				h          http.Handler
			}{{"kvk", kvkAddr, kvktest.NewHandler()}, {"bag", bagAddr, bagtest.NewHandler()}} {
				ln, err := net.Listen("tcp", s.addr)
				if err != nil {
					return fmt.Errorf("--%s: %w", s.name, err)
				}
				srv := &http.Server{Handler: s.h, ReadHeaderTimeout: 5 * time.Second}
				go func() { errc <- srv.Serve(ln) }()
				go func() { <-ctx.Done(); _ = srv.Shutdown(context.Background()) }()
				fmt.Fprintf(g.stderr, "replaying recorded %s answers on http://%s\n", s.name, ln.Addr())
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
	cmd.Flags().StringVar(&kvkAddr, "kvk", "127.0.0.1:18081", "listen address of the KvK replay")
	cmd.Flags().StringVar(&bagAddr, "bag", "127.0.0.1:18082", "listen address of the PDOK Locatieserver replay")
	return cmd
}
