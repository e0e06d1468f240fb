package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/spf13/cobra"
)

// apiClient talks to a running verrijk server. It is not egress: it only
// ever calls verrijk's own API, at the address the user gave.
type apiClient struct {
	base  string
	token string
	http  *http.Client
}

// addClientFlags adds --server and --token to a client command.
func addClientFlags(cmd *cobra.Command, g *globals) {
	cmd.Flags().StringVar(&g.server, "server", envOr("VERRIJK_SERVER", "http://127.0.0.1:8080"), "verrijk server URL (env VERRIJK_SERVER)")
	cmd.Flags().StringVar(&g.token, "token", "", "API token (default: env VERRIJK_TOKEN)")
}

func (g *globals) client() (*apiClient, error) {
	token := g.token
	if token == "" {
		token = os.Getenv("VERRIJK_TOKEN")
	}
	if token == "" {
		return nil, fmt.Errorf("no API token: pass --token or set VERRIJK_TOKEN (create one with `verrijk token create`)")
	}
	u, err := url.Parse(g.server)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("--server %q is not an http(s) URL", g.server)
	}
	return &apiClient{base: strings.TrimRight(g.server, "/"), token: token, http: &http.Client{Timeout: 30 * time.Second}}, nil
}

// apiError is an error answer of the API.
type apiError struct {
	Status  int
	Code    string
	Message string
}

func (e *apiError) Error() string {
	return fmt.Sprintf("server answered %d %s: %s", e.Status, e.Code, e.Message)
}

// do sends a JSON request and decodes a JSON answer into out (if non-nil).
func (c *apiClient) do(ctx context.Context, method, path string, body, out any) error {
	data, err := c.send(ctx, method, path, body)
	if err != nil {
		return err
	}
	if out != nil {
		if err := json.Unmarshal(data, out); err != nil {
			return fmt.Errorf("decoding answer of %s %s: %w", method, path, err)
		}
	}
	return nil
}

// send sends a request (body as JSON, if non-nil) and returns the answer's
// body; an error status becomes an *apiError.
func (c *apiClient) send(ctx context.Context, method, path string, body any) ([]byte, error) {
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	req.Header.Set("Accept", "application/json")
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return nil, fmt.Errorf("calling verrijk at %s: %w", c.base, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 32<<20))
	if err != nil {
		return nil, fmt.Errorf("reading answer: %w", err)
	}
	if resp.StatusCode >= 300 {
		var eb struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		_ = json.Unmarshal(data, &eb)
		return nil, &apiError{Status: resp.StatusCode, Code: eb.Error.Code, Message: eb.Error.Message}
	}
	return data, nil
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}
