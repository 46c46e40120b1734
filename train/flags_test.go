package train

import (
	"reflect"
	"strings"
	"testing"

	"github.com/spf13/pflag"
)

// parseFlags parses args into Defaults() through RegisterFlags.
func parseFlags(args ...string) (Config, error) {
	c := Defaults()
	fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
	fs.SetOutput(new(strings.Builder))
	RegisterFlags(fs, &c)
	return c, fs.Parse(args)
}

// RegisterFlags keeps the defaults it is given and sets each field from its flag, --no-bias-decay
// negated, noting each flag given in Given.
func TestRegisterFlags(t *testing.T) {
	parse := func(args ...string) Config {
		t.Helper()
		c, err := parseFlags(args...)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got, want := parse(), Defaults(); !reflect.DeepEqual(got, want) {
		t.Errorf("no flags: %+v, want the defaults %+v", got, want)
	}
	c := parse("--no-bias-decay", "--lr", "0.05", "--steps", "7", "--data", "/d", "--ten-crop", "--seed", "9", "--lr-schedule", "const")
	if c.DecayBiases || c.LR != 0.05 || c.Steps != 7 || c.Data != "/d" || !c.TenCrop || c.Seed != 9 || c.Schedule != "const" {
		t.Errorf("parsed %+v", c)
	}
	want := map[string]bool{"no-bias-decay": true, "lr": true, "steps": true, "data": true, "ten-crop": true, "seed": true, "lr-schedule": true}
	if !reflect.DeepEqual(c.Given, want) {
		t.Errorf("Given = %v, want %v", c.Given, want)
	}
	if c := parse("--no-bias-decay=false"); !c.DecayBiases {
		t.Error("--no-bias-decay=false turned bias decay off")
	}
}

// Every float flag refuses NaN and ±Inf, and every count flag a negative number, at parse time,
// with the flag's name; so do the other out-of-range values a hostile user tries.
func TestFlagsRefuseBadValues(t *testing.T) {
	bad := [][]string{}
	for _, d := range flagDefs {
		switch d.value(new(Config)).(type) {
		case floatValue:
			for _, v := range []string{"NaN", "nan", "Inf", "-Inf", "+inf", "1e400", "x"} {
				bad = append(bad, []string{"--" + d.name, v})
			}
		case intValue, stringInt:
			for _, v := range []string{"-1", "-9223372036854775808", "9223372036854775808", "1.5", ""} {
				bad = append(bad, []string{"--" + d.name, v})
			}
		}
	}
	bad = append(bad, [][]string{
		{"--batch", "0"}, {"--keep", "0"}, {"--patience", "0"}, {"--lr", "0"}, {"--lr", "-0.1"},
		{"--momentum", "1"}, {"--momentum", "-0.5"}, {"--weight-decay", "-1e-4"}, {"--dropout", "1"},
		{"--dropout", "-0.5"}, {"--holdout", "1"}, {"--holdout", "-0.1"}, {"--channels", "2"},
		{"--workers", "100000"}, {"--resize", "100000"}, {"--classes", "100000000"}, {"--seed", "-1"},
		{"--arch", "lenet"}, {"--format", "tiff"}, {"--lr-schedule", "cosine"}, {"--lr-schedule", "step:0"},
		{"--lr-schedule", "step:NaN"}, {"--log-format", "xml"}, {"--out", ""}, {"--no-augment=maybe"},
	}...)
	for _, args := range bad {
		_, err := parseFlags(args...)
		if err == nil {
			t.Errorf("%q accepted", args)
			continue
		}
		if !strings.Contains(err.Error(), strings.SplitN(args[0], "=", 2)[0]) {
			t.Errorf("%q: error %q does not name the flag", args, err)
		}
	}
	// The defaults and the documented special values pass.
	for _, args := range [][]string{{"--dropout", "-1"}, {"--dropout", "0"}, {"--holdout", "0"}, {"--channels", "0"},
		{"--micro-batch", "0"}, {"--eval-every", "0"}, {"--seed", "18446744073709551615"}, {"--format", "cifar10"}} {
		if _, err := parseFlags(args...); err != nil {
			t.Errorf("%q: %v", args, err)
		}
	}
	// validate (the programmatic path) applies the same checks.
	c := Defaults()
	c.MicroBatch = -1
	if err := c.validate(); err == nil || !strings.Contains(err.Error(), "--micro-batch") {
		t.Errorf("validate of micro-batch -1: %v", err)
	}
}

// Every flag either is recorded, or says why not; and a recorded value restores exactly, through
// the same flag values (restoreConfig), with the flags given explicitly overriding it and a note
// naming each change.
func TestRestoreConfig(t *testing.T) {
	for _, d := range flagDefs {
		if d.help == "" {
			t.Errorf("--%s has no help", d.name)
		}
	}
	// Every recorded flag, set away from its default, comes back from the recording.
	every := map[string]string{"data": "/d", "format": "cifar10", "holdout": "0.3", "arch": "alexnet", "classes": "7",
		"channels": "1", "resize": "300", "epochs": "9", "steps": "1000", "batch": "64", "micro-batch": "16", "lr": "0.5",
		"momentum": "0.5", "weight-decay": "0.1", "no-bias-decay": "true", "dropout": "0.1", "no-augment": "true",
		"lr-schedule": "step:1.5", "patience": "4", "seed": "18446744073709551615", "eval-every": "3", "eval-limit": "5",
		"ten-crop": "true", "viz-every": "2", "history-every": "3", "checkpoint-every": "6", "keep": "9"}
	var args []string
	for _, d := range flagDefs {
		v, ok := every[d.name]
		if d.notRecorded != "" {
			if ok {
				t.Errorf("--%s is not recorded (%s) but has a value here", d.name, d.notRecorded)
			}
			continue
		}
		if !ok {
			t.Fatalf("recorded --%s has no test value: add one to this test", d.name)
		}
		if d.value(ptr(Defaults())).String() == v {
			t.Fatalf("--%s %s is its default: choose another value", d.name, v)
		}
		args = append(args, "--"+d.name+"="+v)
	}
	all, err := parseFlags(args...)
	if err != nil {
		t.Fatal(err)
	}
	back, _, err := restoreConfig(Defaults(), &Checkpoint{Path: "/r/c", State: &State{Config: all.Recorded()}})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range flagDefs {
		if got := d.value(&back).String(); d.notRecorded == "" && got != every[d.name] {
			t.Errorf("--%s restored as %q, recorded %q", d.name, got, every[d.name])
		}
	}

	orig, err := parseFlags("--lr", "0.03", "--steps", "150", "--batch", "32", "--lr-schedule", "linear", "--no-augment", "--data", "/x")
	if err != nil {
		t.Fatal(err)
	}
	orig.resolveLimits()
	ck := &Checkpoint{Path: "/runs/a/checkpoint-000000000005.safetensors", State: &State{Config: orig.Recorded()}}
	c, _ := parseFlags("--resume", "/runs/a", "--lr", "0.01", "--steps", "300")
	r, notes, err := restoreConfig(c, ck)
	if err != nil {
		t.Fatal(err)
	}
	if r.LR != 0.01 || r.Steps != 300 || r.Epochs != 0 || r.Batch != 32 || r.Schedule != "linear" || !r.NoAugment || r.Data != "/x" || r.Out != "/runs/a" {
		t.Errorf("restored %+v", r)
	}
	if len(notes) != 1 || !strings.Contains(notes[0], "--lr 0.03 → 0.01") || !strings.Contains(notes[0], "--steps 150 → 300") {
		t.Errorf("notes %q, want one line naming --lr and --steps", notes)
	}
	// A recorded value the flags refuse is refused with the checkpoint's name.
	ck.State.Config["momentum"] = "NaN"
	if _, _, err := restoreConfig(Defaults(), ck); err == nil || !strings.Contains(err.Error(), "--momentum") || !strings.Contains(err.Error(), ck.Path) {
		t.Errorf("recorded momentum NaN: %v", err)
	}
	// --init cannot be combined with --resume.
	c, _ = parseFlags("--resume", "/runs/a", "--init", "w.pth")
	if _, _, _, err := resumeCheckpoint(c); err == nil || !strings.Contains(err.Error(), "--init") {
		t.Errorf("--init with --resume: %v", err)
	}
}
