package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strings"

	"github.com/spf13/cobra"

	"github.com/threatdeck/threatdeck/model"
)

// outputGiven refuses an -o given with no file name (-o ""), which would
// otherwise print to stdout as if -o were not there.
func outputGiven(cmd *cobra.Command, out string) error {
	if cmd.Flags().Changed("output") && strings.TrimSpace(out) == "" {
		return usageError{errors.New("-o needs a file name (or - for stdout)")}
	}
	return nil
}

// listModels reads the workbook's model list. A workbook that does not
// exist is reported as export reports it, not listed as empty: a
// mistyped --db would otherwise look like a workbook with no models.
func listModels(c *cli, after func(workbook)) ([]model.Summary, error) {
	var sums []model.Summary
	err := c.withStore(true, func(s workbook) (err error) {
		defer after(s)
		sums, err = s.List()
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%w; create a model with: threatdeck new TITLE (or threatdeck example)", err)
	}
	return sums, err
}
