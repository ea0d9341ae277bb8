package action

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// benchData is the body of every event the benchmarks send.
const benchData = `{"name":"John","age":30,"city":"New York","email":"john@example.com","tags":["a","b"]}`

// idleOutbox is an outbox whose receiver is never tried (the first
// attempt is an hour out), so that only its ack path runs.
func idleOutbox(b *testing.B, sync SyncPolicy) *Outbox {
	b.Helper()
	o, err := NewOutbox(OutboxConfig{Name: "bench", Webhook: WebhookConfig{URL: "http://127.0.0.1:9/"},
		Path: filepath.Join(b.TempDir(), "o.db"), Sync: sync, MaxBytes: 1 << 40, Schedule: []time.Duration{time.Hour}})
	if err != nil {
		b.Fatal(err)
	}
	return o
}

// produceParallel resets the timer and sends b.N events into act from
// parallelism producers per GOMAXPROCS, each event with an id of its own.
func produceParallel(b *testing.B, act Action, parallelism int) {
	var n atomic.Int64
	b.SetParallelism(parallelism)
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if err := act.Do(context.Background(), testEvent(fmt.Sprint(n.Add(1)), benchData)); err != nil {
				b.Error(err)
				return
			}
		}
	})
}

// BenchmarkOutboxDo is the ack path alone: many producers into one
// idle outbox, under each sync policy.
func BenchmarkOutboxDo(b *testing.B) {
	for _, policy := range []SyncPolicy{SyncNever, SyncAlways} {
		b.Run(string(policy), func(b *testing.B) {
			o := idleOutbox(b, policy)
			defer o.Close(context.Background())
			produceParallel(b, o, 64)
		})
	}
}

// BenchmarkAckCPU is the CPU an ack costs the process with the file action
// and with an outbox whose receiver is never tried, both fsyncing before
// every ack, with about as many producers as the compare script's window
// (64 connections x 16 frames); the outbox's includes its ingester's work
// on every acked event. CPU per ack holds still under a loaded machine
// where acks/s does not.
func BenchmarkAckCPU(b *testing.B) {
	for _, kind := range []string{"file", "outbox"} {
		b.Run(kind, func(b *testing.B) {
			var act Action
			drained := func() bool { return true }
			if kind == "file" {
				f, err := NewFile(FileConfig{Path: filepath.Join(b.TempDir(), "e.ndjson"), Sync: SyncAlways})
				if err != nil {
					b.Fatal(err)
				}
				act = f
			} else {
				o := idleOutbox(b, SyncAlways)
				act, drained = o, func() bool { return o.loggedEvents.Load() <= 0 }
			}
			defer act.Close(context.Background())
			before := cpuTime()
			produceParallel(b, act, 512)
			for !drained() {
				time.Sleep(time.Millisecond)
			}
			b.StopTimer()
			b.ReportMetric(float64(cpuTime()-before)/float64(time.Microsecond)/float64(b.N), "cpu-µs/ack")
		})
	}
}

// BenchmarkOutboxDeliver is the sender alone: b.N events already in the
// outbox, held back by a receiver that answers nothing until the timer
// starts, then delivered one at a time to a receiver answering 204 (in this
// process, as the compare script's is). cpu-µs/event is the process's CPU,
// sender and receiver both, per delivered event: what delivering takes
// from the acks sharing the cores.
func BenchmarkOutboxDeliver(b *testing.B) {
	gate := make(chan struct{})
	var delivered atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		<-gate
		_, _ = io.Copy(io.Discard, r.Body)
		delivered.Add(1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	o, err := NewOutbox(OutboxConfig{Name: "bench", Webhook: WebhookConfig{URL: srv.URL + "/events", Timeout: time.Minute},
		Path: filepath.Join(b.TempDir(), "o.db"), Sync: SyncNever, MaxBytes: 1 << 40, Schedule: []time.Duration{0}})
	if err != nil {
		b.Fatal(err)
	}
	defer o.Close(context.Background())
	for i := range b.N {
		if err := o.Do(context.Background(), testEvent(fmt.Sprint(i), benchData)); err != nil {
			b.Fatal(err)
		}
	}
	for o.loggedEvents.Load() > 0 {
		time.Sleep(time.Millisecond)
	}
	b.ReportAllocs()
	before := cpuTime()
	b.ResetTimer()
	close(gate)
	for delivered.Load() < int64(b.N) {
		time.Sleep(100 * time.Microsecond)
	}
	b.StopTimer()
	b.ReportMetric(float64(cpuTime()-before)/float64(time.Microsecond)/float64(b.N), "cpu-µs/event")
}

// cpuTime is the CPU this process has used, user and system.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
