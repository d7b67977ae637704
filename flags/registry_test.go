package flags

import (
	"fmt"
	"strings"
	"testing"

	"github.com/espctl/espctl/golden"
)

// The reference counts rows: 75 ESPv1 flags + --help, 112 ESPv2 flags + --help.
func TestRegistrySizes(t *testing.T) {
	if n := len(ESPv1().Flags); n != 76 {
		t.Errorf("ESPv1 registry has %d entries, want 76", n)
	}
	if n := len(ESPv2().Flags); n != 113 {
		t.Errorf("ESPv2 registry has %d entries, want 113", n)
	}
	counts := map[Fate]int{}
	for _, f := range ESPv1().Flags {
		counts[f.Fate]++
		if f.Fate == "" {
			t.Errorf("ESPv1 %s has no fate", f.Name)
		}
	}
	// flags-espv1.md: same 31, renamed 5, merged 6, replaced 6, deprecated 1, removed 14, unsupported 13.
	want := map[Fate]int{FateSame: 31, FateRenamed: 5, FateMerged: 6, FateReplaced: 6, FateDeprecated: 1, FateRemoved: 14, FateUnsupported: 13}
	for fate, n := range want {
		if counts[fate] != n {
			t.Errorf("fate %s: %d flags, want %d", fate, counts[fate], n)
		}
	}
}

// The registries as a pinned listing: any change shows up as a golden diff.
func TestRegistryListing(t *testing.T) {
	for _, reg := range []*Registry{ESPv1(), ESPv2()} {
		var b strings.Builder
		for _, f := range reg.Flags {
			fmt.Fprintf(&b, "%-48s %-8s default=%v", strings.Join(f.OptionStrings(), ","), f.Type, f.Default)
			if f.Effective != nil {
				fmt.Fprintf(&b, " effective=%v", f.Effective)
			}
			if f.Fate != "" {
				fmt.Fprintf(&b, " fate=%s", f.Fate)
				if len(f.Replacement) > 0 {
					fmt.Fprintf(&b, " -> %s", strings.Join(f.Replacement, " "))
				}
			}
			b.WriteString("\n")
		}
		golden.AssertString(t, "testdata/registry_"+strings.ToLower(reg.Name)+".txt", b.String())
	}
}
