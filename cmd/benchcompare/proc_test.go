package main

import (
	"os"
	"os/exec"
	"testing"
	"time"
)

// TestTreeFindsChildrenAndTheirCPU: the process tree of this test includes
// a child it starts, and the tree's CPU and RSS are this process's at least.
func TestTreeFindsChildrenAndTheirCPU(t *testing.T) {
	if _, err := os.Stat("/proc/self/stat"); err != nil {
		t.Skip("no /proc")
	}
	child := exec.Command("sleep", "5")
	if err := child.Start(); err != nil {
		t.Skip("no sleep command")
	}
	defer func() { _ = child.Process.Kill(); _ = child.Wait() }()
	found := false
	for _, pid := range tree(os.Getpid()) {
		found = found || pid == child.Process.Pid
	}
	if !found {
		t.Fatalf("child %d not in the tree of %d", child.Process.Pid, os.Getpid())
	}
	deadline := time.Now().Add(2 * time.Second)
	for treeCPU(os.Getpid()) == 0 && time.Now().Before(deadline) {
		for i := 0; i < 1e7; i++ {
			_ = i * i
		}
	}
	if treeCPU(os.Getpid()) == 0 {
		t.Fatal("no CPU time read for this process")
	}
	if treeRSS(os.Getpid()) < 1<<20 {
		t.Fatalf("RSS %d is implausibly small", treeRSS(os.Getpid()))
	}
}

func TestReadStatNameWithSpacesAndParens(t *testing.T) {
	st, ok := readStat(os.Getpid())
	if !ok || st.ppid != os.Getppid() {
		t.Fatalf("readStat(self) = %+v, %v; want ppid %d", st, ok, os.Getppid())
	}
}
