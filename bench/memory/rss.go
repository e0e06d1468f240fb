package main

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// rssSampler reads a process's resident set size every interval and keeps
// the largest value seen.
type rssSampler struct {
	mu         sync.Mutex
	last, peak int64 // bytes
	samples    int
	err        error // the first failed read, once the process has gone
}

// sample runs until ctx ends or the process is gone.
func (s *rssSampler) sample(ctx context.Context, pid int, interval time.Duration) {
	tick := time.NewTicker(interval)
	defer tick.Stop()
	for {
		rss, err := readRSS(pid)
		s.mu.Lock()
		if err != nil {
			s.err = err
			s.mu.Unlock()
			return
		}
		s.last = rss
		s.samples++
		s.peak = max(s.peak, rss)
		s.mu.Unlock()
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}

// result returns the last and the largest sample and how many were taken.
func (s *rssSampler) result() (last, peak int64, samples int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.last, s.peak, s.samples
}

// readRSS reads VmRSS from /proc/<pid>/status (Linux only).
func readRSS(pid int) (int64, error) {
	f, err := os.Open(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, fmt.Errorf("reading rss: %w", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmRSS:")
		if !ok {
			continue
		}
		fields := strings.Fields(rest) // "123456 kB"
		if len(fields) != 2 || fields[1] != "kB" {
			return 0, fmt.Errorf("reading rss: unexpected VmRSS line %q", sc.Text())
		}
		kb, err := strconv.ParseInt(fields[0], 10, 64)
		if err != nil {
			return 0, fmt.Errorf("reading rss: %w", err)
		}
		return kb << 10, nil
	}
	if err := sc.Err(); err != nil {
		return 0, fmt.Errorf("reading rss: %w", err)
	}
	return 0, fmt.Errorf("reading rss: no VmRSS in /proc/%d/status", pid)
}

// mb renders bytes in MB (10^6), as the report's target is stated.
func mb(b int64) string { return fmt.Sprintf("%.1f MB", float64(b)/1e6) }
