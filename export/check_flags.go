package export

import (
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/threatdeck/threatdeck/model"
)

// CheckFlags are the command-line settings of `threatdeck check`.
type CheckFlags struct {
	// FailOn is low, medium, high or critical ("" means high).
	FailOn string
	// Require lists requirements, each value possibly comma-separated.
	Require []string
	// Format is text, json or sarif ("" means text).
	Format string
}

// Options validates the flags; an error is a usage mistake (exit code 2).
func (f CheckFlags) Options() (model.CheckOptions, error) {
	var o model.CheckOptions
	if f.FailOn != "" {
		b, ok := model.ParseRiskBand(f.FailOn)
		if !ok {
			return o, fmt.Errorf("unknown --fail-on %q: use low, medium, high or critical", f.FailOn)
		}
		o.FailOn = b
	} else {
		o.FailOn = model.RiskHigh
	}
	req, err := model.ParseRequire(f.Require)
	if err != nil {
		return o, fmt.Errorf("--require: %w", err)
	}
	o.Require = req
	if f.Format != "" && !slices.Contains(CheckFormats, strings.ToLower(f.Format)) {
		return o, fmt.Errorf("unknown check format %q: use %s", f.Format, strings.Join(CheckFormats, ", "))
	}
	return o, nil
}

// ErrCheckFailed is returned (wrapped, with the count) when a model does
// not meet the bar: the command exits 1 after writing its report.
var ErrCheckFailed = errors.New("check failed")

// CheckResult turns findings into the command's outcome: nil when the
// model passes, else an error wrapping ErrCheckFailed.
func CheckResult(findings []model.Finding) error {
	if len(findings) == 0 {
		return nil
	}
	return fmt.Errorf("%w: %s", ErrCheckFailed, plural(len(findings), "finding", "findings"))
}
