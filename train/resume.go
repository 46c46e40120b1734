package train

import (
	"fmt"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// recordedConfig returns the configuration a checkpoint recorded; checkpoints written before it
// was recorded give what their state holds (architecture, seed, batch size, data path).
func recordedConfig(st *State) map[string]string {
	if st.Config != nil {
		return st.Config
	}
	m := map[string]string{"arch": st.Arch, "seed": strconv.FormatUint(st.Seed, 10), "data": st.Data}
	if st.BatchSize > 0 {
		m["batch"] = strconv.Itoa(st.BatchSize)
	}
	return m
}

// resumeCheckpoint finds the checkpoint c.Resume names and restores the run's configuration from
// it (see findResume and restoreConfig); notes hold the warnings and changes to log.
func resumeCheckpoint(c Config) (*Checkpoint, Config, []string, error) {
	if c.Init != "" {
		return nil, c, nil, fmt.Errorf("--init %s with --resume %s: a resumed run continues from its checkpoint's weights; drop --init", c.Init, c.Resume)
	}
	ck, notes, err := findResume(c.Resume)
	if err != nil {
		return nil, c, nil, err
	}
	r, more, err := restoreConfig(c, ck)
	return ck, r, append(notes, more...), err
}

// restoreConfig returns the configuration of a run resumed from ck: every recorded flag as the
// checkpoint recorded it, except those c.Given names, which keep c's values; the flags that are
// not recorded keep c's values too. The run continues in the checkpoint's directory unless --out
// is given. notes say what changed from the recording.
func restoreConfig(c Config, ck *Checkpoint) (Config, []string, error) {
	rec := recordedConfig(ck.State)
	r := c
	var notes, changed []string
	for _, d := range flagDefs {
		v, ok := rec[d.name]
		if d.notRecorded != "" || !ok {
			continue
		}
		if !c.Given[d.name] {
			if err := d.value(&r).Set(v); err != nil {
				return c, nil, fmt.Errorf("--resume %s: recorded --%s %v", ck.Path, d.name, err)
			}
			continue
		}
		if now := d.value(&c).String(); now != v {
			changed = append(changed, fmt.Sprintf("--%s %s → %s", d.name, quoteEmpty(v), quoteEmpty(now)))
		}
	}
	var unknown []string
	for name := range rec {
		if _, ok := lookupFlag(name); !ok {
			unknown = append(unknown, "--"+name)
		}
	}
	if len(unknown) > 0 {
		sort.Strings(unknown)
		notes = append(notes, fmt.Sprintf("warning: --resume %s: ignoring recorded flags this version does not know: %s", ck.Path, strings.Join(unknown, ", ")))
	}
	if !c.Given["out"] {
		r.Out = filepath.Dir(ck.Path)
	}
	r.Init = ""
	if n := r.resolveLimits(); n != "" {
		changed = append(changed, n)
	}
	if len(changed) > 0 {
		notes = append(notes, "resumed with changes to the recorded configuration: "+strings.Join(changed, ", "))
	}
	return r, notes, nil
}

func quoteEmpty(s string) string {
	if s == "" {
		return `""`
	}
	return s
}
