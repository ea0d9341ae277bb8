package main

import (
	"runtime/debug"
	"testing"
)

func TestVersionFromBuildInfo(t *testing.T) {
	vcs := func(rev, modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}
	}
	cases := []struct {
		name     string
		main     string
		settings []debug.BuildSetting
		override string
		want     versionInfo
	}{
		{"go install @version", "v1.4.0", nil, "", versionInfo{"v1.4.0", "unknown"}},
		{"go install @commit", "v0.0.0-20261125090607-b21cbc40eb4f", nil, "", versionInfo{"v0.0.0-20261125090607-b21cbc40eb4f", "b21cbc40eb4f"}},
		{"checkout", "v0.0.0-20261125090607-b21cbc40eb4f", vcs("b21cbc40eb4fadbefc266ab78f4f6434cc2280e6", "false"), "",
			versionInfo{"v0.0.0-20261125090607-b21cbc40eb4f", "b21cbc40eb4fadbefc266ab78f4f6434cc2280e6"}},
		{"checkout with changes", "v0.0.0-20261125090607-b21cbc40eb4f+dirty", vcs("b21cbc40eb4fadbefc266ab78f4f6434cc2280e6", "true"), "",
			versionInfo{"v0.0.0-20261125090607-b21cbc40eb4f+dirty", "b21cbc40eb4fadbefc266ab78f4f6434cc2280e6+dirty"}},
		{"no version recorded", "(devel)", nil, "", versionInfo{"dev", "unknown"}},
		{"ldflags override", "(devel)", vcs("abc", "false"), "v2.0.0", versionInfo{"v2.0.0", "abc"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/schemagate/schemagate", Version: tc.main}, Settings: tc.settings}
			if got := versionFrom(bi, tc.override); got != tc.want {
				t.Fatalf("versionFrom = %+v, want %+v", got, tc.want)
			}
		})
	}
}
