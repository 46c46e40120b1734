package train

import (
	"testing"

	"github.com/spf13/pflag"
)

// RegisterFlags keeps the defaults it is given and sets each field from its flag, --no-bias-decay
// negated.
func TestRegisterFlags(t *testing.T) {
	parse := func(args ...string) Config {
		t.Helper()
		c := Defaults()
		fs := pflag.NewFlagSet("test", pflag.ContinueOnError)
		RegisterFlags(fs, &c)
		if err := fs.Parse(args); err != nil {
			t.Fatal(err)
		}
		return c
	}
	if got, want := parse(), Defaults(); got != want {
		t.Errorf("no flags: %+v, want the defaults %+v", got, want)
	}
	c := parse("--no-bias-decay", "--lr", "0.05", "--steps", "7", "--data", "/d", "--ten-crop", "--seed", "9", "--lr-schedule", "const")
	if c.DecayBiases || c.LR != 0.05 || c.Steps != 7 || c.Data != "/d" || !c.TenCrop || c.Seed != 9 || c.Schedule != "const" {
		t.Errorf("parsed %+v", c)
	}
	if c := parse("--no-bias-decay=false"); !c.DecayBiases {
		t.Error("--no-bias-decay=false turned bias decay off")
	}
}
