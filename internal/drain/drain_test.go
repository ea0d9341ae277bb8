package drain

import (
	"context"
	"errors"
	"testing"
)

func TestWaitReturnsWhenStopReturns(t *testing.T) {
	done, err := Wait(context.Background(), func() {})
	if err != nil {
		t.Fatalf("Wait = %v, want nil", err)
	}
	<-done
}

func TestWaitGivesUpWhenContextEnds(t *testing.T) {
	release := make(chan struct{})
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	done, err := Wait(ctx, func() { <-release })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Wait = %v, want context.Canceled", err)
	}
	select {
	case <-done:
		t.Fatal("done closed while stop still runs")
	default:
	}
	close(release)
	<-done
}
