package main

import (
	"fmt"
	"runtime"
	"runtime/debug"
	"strings"

	"github.com/spf13/cobra"
)

func newVersionCmd(s streams) *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version and build information",
		Args:  cobra.NoArgs,
		RunE: func(*cobra.Command, []string) error {
			v := buildVersion()
			_, err := fmt.Fprintf(s.out, "schemagate %s (commit %s, %s, %s/%s)\n", v, v.revision, runtime.Version(), runtime.GOOS, runtime.GOARCH)
			return err
		},
	}
}

// versionInfo is what the binary knows about where it came from.
type versionInfo struct {
	module   string // v1.2.3, a pseudo-version, or "dev"
	revision string // the VCS commit, "+dirty" when built with local changes
}

func (v versionInfo) String() string { return v.module }

// buildVersion reads the build info the go command stamps into every
// binary: `go install ...@v1.2.3` records the module version, a build in a
// git checkout records the revision (and, since Go 1.24, a pseudo-version).
func buildVersion() versionInfo {
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return versionInfo{module: orDefault(version, "dev"), revision: "unknown"}
	}
	return versionFrom(bi, version)
}

// versionFrom is buildVersion's reading of bi, apart so that tests can
// feed it the build infos of a release, a module download and a dirty
// checkout. override, the -ldflags version, wins over what bi says.
func versionFrom(bi *debug.BuildInfo, override string) versionInfo {
	v := versionInfo{module: bi.Main.Version, revision: "unknown"}
	if v.module == "" || v.module == "(devel)" {
		v.module = "dev"
	}
	if override != "" {
		v.module = override
	}
	modified := false
	for _, st := range bi.Settings {
		switch st.Key {
		case "vcs.revision":
			v.revision = st.Value
		case "vcs.modified":
			modified = st.Value == "true"
		}
	}
	if v.revision == "unknown" {
		// A module download carries no VCS settings, but a pseudo-version
		// (v0.0.0-20260101000000-abcdef123456) ends with the commit.
		v.revision = pseudoRevision(bi.Main.Version)
	}
	if modified {
		v.revision += "+dirty"
	}
	return v
}

// pseudoRevision is the commit prefix a pseudo-version ends with, or
// "unknown".
func pseudoRevision(ver string) string {
	ver, _, _ = strings.Cut(ver, "+")
	i := strings.LastIndexByte(ver, '-')
	if i < 0 || len(ver)-i-1 != 12 {
		return "unknown"
	}
	rev := ver[i+1:]
	for _, c := range rev {
		if !strings.ContainsRune("0123456789abcdef", c) {
			return "unknown"
		}
	}
	return rev
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
