package main

import (
	"context"
	"testing"
	"time"
)

func TestFaultDebugKill(t *testing.T) {
	d := newFaultDeployment(t)
	g := d.gateSource("kvk")
	defer g.open()
	first := d.worker()
	a := caller{t, d.base, d.token("anna", "analyst")}
	d.cleanRun(a)
	g.shut()
	_, job := requestJob(a, "werker gedood")
	g.waitHeld(t, 2, 30*time.Second)
	first.kill()
	killed := time.Now()
	d.worker()
	g.open()
	ctx := context.Background()
	last := ""
	for time.Since(killed) < 3*time.Minute {
		var j faultJob
		a.must(200, "GET", "/api/v1/jobs/"+job, nil, &j)
		p, ac := d.queued("kvk")
		lease, _ := d.rdb.ZRangeWithScores(ctx, "asynq:{source:kvk}:lease", 0, -1).Result()
		retry, _ := d.rdb.ZRangeWithScores(ctx, "asynq:{source:kvk}:retry", 0, -1).Result()
		s := j.Status
		for _, z := range lease {
			s += " lease@" + time.Unix(int64(z.Score), 0).Sub(killed).Round(time.Second).String()
		}
		for _, z := range retry {
			s += " retry@" + time.Unix(int64(z.Score), 0).Sub(killed).Round(time.Second).String()
		}
		s += " pending/active " + itoa64(p) + "/" + itoa64(ac)
		if s != last {
			t.Logf("%s: %s", time.Since(killed).Round(time.Second), s)
			last = s
		}
		if j.Status == "done" {
			break
		}
		time.Sleep(500 * time.Millisecond)
	}
}

func itoa64(n int64) string { return time.Duration(n).String() }
