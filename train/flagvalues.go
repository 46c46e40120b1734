package train

import (
	"fmt"
	"math"
	"strconv"
)

// The flag values below check what they are given when it is given (at parse time, and when a
// checkpoint's recorded configuration is restored), so a bad value is refused with the flag's name
// before anything runs. Each String spells its value so that Set(String()) gives it back exactly:
// the recorded configuration of a checkpoint is these strings.

// intValue is an int flag within [min, max].
type intValue struct {
	p        *int
	min, max int
	what     string // what the value counts, for messages ("images", "steps")
}

func (v intValue) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.Itoa(*v.p)
}

func (v intValue) Set(s string) error {
	n, err := strconv.ParseInt(s, 0, 64)
	if err != nil {
		return fmt.Errorf("%q is not a whole number of %s", s, v.what)
	}
	if n < int64(v.min) {
		return fmt.Errorf("%d: need at least %d %s", n, v.min, v.what)
	}
	if n > int64(v.max) {
		return fmt.Errorf("%d: need at most %d %s", n, v.max, v.what)
	}
	*v.p = int(n)
	return nil
}

func (v intValue) Type() string { return "int" }

// floatValue is a finite float64 flag that check accepts.
type floatValue struct {
	p     *float64
	check func(float64) error // nil: any finite value
}

func (v floatValue) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.FormatFloat(*v.p, 'g', -1, 64)
}

func (v floatValue) Set(s string) error {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("%q is not a number", s)
	}
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return fmt.Errorf("%s: need a finite number", s)
	}
	if v.check != nil {
		if err := v.check(f); err != nil {
			return err
		}
	}
	*v.p = f
	return nil
}

func (v floatValue) Type() string { return "float" }

// between returns a check for lo ≤ f < hi.
func between(lo, hi float64) func(float64) error {
	return func(f float64) error {
		if f < lo || f >= hi {
			return fmt.Errorf("%g: need %g <= value < %g", f, lo, hi)
		}
		return nil
	}
}

func positive(f float64) error {
	if f <= 0 {
		return fmt.Errorf("%g: need a positive number", f)
	}
	return nil
}

func nonNegative(f float64) error {
	if f < 0 {
		return fmt.Errorf("%g: need >= 0", f)
	}
	return nil
}

// dropoutCheck accepts -1 (the architecture's own) or a probability 0 <= p < 1.
func dropoutCheck(f float64) error {
	if f == -1 || (f >= 0 && f < 1) {
		return nil
	}
	return fmt.Errorf("%g: need 0 <= p < 1, or -1 for the architecture's", f)
}

// uint64Value is a uint64 flag.
type uint64Value struct{ p *uint64 }

func (v uint64Value) String() string {
	if v.p == nil {
		return "0"
	}
	return strconv.FormatUint(*v.p, 10)
}

func (v uint64Value) Set(s string) error {
	n, err := strconv.ParseUint(s, 0, 64)
	if err != nil {
		return fmt.Errorf("%q is not a whole number from 0 to %d", s, uint64(math.MaxUint64))
	}
	*v.p = n
	return nil
}

func (v uint64Value) Type() string { return "uint64" }

// boolValue is a boolean flag; negate stores the opposite (--no-bias-decay sets DecayBiases false).
type boolValue struct {
	p      *bool
	negate bool
}

func (v boolValue) String() string {
	if v.p == nil {
		return "false"
	}
	return strconv.FormatBool(*v.p != v.negate)
}

func (v boolValue) Set(s string) error {
	b, err := strconv.ParseBool(s)
	if err != nil {
		return fmt.Errorf("%q is not true or false", s)
	}
	*v.p = b != v.negate
	return nil
}

func (v boolValue) Type() string { return "bool" }

// stringValue is a string flag that check accepts.
type stringValue struct {
	p     *string
	check func(string) error // nil: any value
}

func (v stringValue) String() string {
	if v.p == nil {
		return ""
	}
	return *v.p
}

func (v stringValue) Set(s string) error {
	if v.check != nil {
		if err := v.check(s); err != nil {
			return err
		}
	}
	*v.p = s
	return nil
}

func (v stringValue) Type() string { return "string" }
