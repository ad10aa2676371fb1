package main

import (
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/threatdeck/threatdeck/store"
)

// salvageCmd copies what can be saved of a damaged workbook into a new one.
func (c *cli) salvageCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "salvage DEST",
		Short: "Copy every record of a damaged workbook that verifies into a new workbook DEST",
		Long: "Read the workbook (--db) page by page, without trusting its structure, and copy every\n" +
			"record whose checksum verifies into a new workbook DEST, which must not exist yet. The\n" +
			"damaged workbook is only read. Prints, per model, what could not be saved.",
		Args: args(1, "one argument, the new workbook's file"),
		RunE: func(cmd *cobra.Command, a []string) error {
			src, err := c.path()
			if err != nil {
				return err
			}
			rep, err := store.Salvage(src, a[0])
			if err != nil {
				return err
			}
			return writeSalvage(c, rep)
		},
	}
}

// warnDamaged tells a reading command's user, on stderr, that the workbook
// is damaged: what it printed is what still verifies, and nothing will be
// saved until the workbook is salvaged (or restored).
//
// Only a workbook opened here knows; through a live host, the host itself
// refuses every write to a damaged file with the same sentence.
func warnDamaged(cmd *cobra.Command, wb workbook) {
	s, ok := wb.(interface{ Damaged() error })
	if !ok {
		return
	}
	if err := s.Damaged(); err != nil {
		fmt.Fprintln(cmd.ErrOrStderr(), "threatdeck: warning: "+oneLine(err.Error()))
	}
}

// writeSalvage prints a salvage report: one line per model, then what was
// lost of each, and where the new workbook is.
func writeSalvage(c *cli, rep *store.SalvageReport) error {
	var b strings.Builder
	whole := 0
	for _, m := range rep.Models {
		title := cell(m.Title)
		switch {
		case m.NewID == "":
			fmt.Fprintf(&b, "Model %s: nothing could be saved\n", cell(m.ID))
		case len(m.Lost) == 0:
			whole++
			fmt.Fprintf(&b, "Model %s %s: saved whole (%d records) as model %s\n", cell(m.ID), title, m.Saved, m.NewID)
		default:
			fmt.Fprintf(&b, "Model %s %s: saved %d records as model %s; not saved:\n", cell(m.ID), title, m.Saved, m.NewID)
		}
		for _, l := range m.Lost {
			fmt.Fprintf(&b, "  - %s\n", cell(l))
		}
	}
	for _, l := range rep.Lost {
		fmt.Fprintf(&b, "Not saved: %s\n", cell(l))
	}
	fmt.Fprintf(&b, "Saved %d of %d models whole and %d team library versions to %s; open it with: threatdeck --db %s\n",
		whole, len(rep.Models), rep.Libraries, rep.Dest, rep.Dest)
	_, err := fmt.Fprint(c.stdout, b.String())
	return err
}
