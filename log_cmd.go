package main

import (
	"fmt"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/threatdeck/threatdeck/model"
)

// logCmd is `threatdeck log MODEL`: the model's history of edits.
func (c *cli) logCmd() *cobra.Command {
	var asJSON bool
	var limit int
	cmd := &cobra.Command{
		Use:   "log MODEL",
		Short: "Show a model's history: when, who and what, newest first",
		Long: "Show the history of a model in the workbook (by id or title), newest first: when each edit was\n" +
			"committed, who made it (the local user, or a live session's participant), what it did and the\n" +
			"records it touched. The workbook keeps the most recent edits of each model.",
		Args: args(1, "one argument, the model's id or title"),
		RunE: func(cmd *cobra.Command, a []string) error {
			if limit < 0 {
				return usagef("--limit must be 0 (everything kept) or more")
			}
			var entries []model.HistoryEntry
			var title string
			if err := c.withStore(true, func(s workbook) error {
				m, err := s.Find(a[0])
				if err != nil {
					return err
				}
				title = m.Overview.Title
				entries, err = s.History(m.ID, limit)
				return err
			}); err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.stdout, entries)
			}
			if len(entries) == 0 {
				_, err := fmt.Fprintf(c.stdout, "No history yet for %q: edits are recorded from this version on.\n", model.CleanLine(title))
				return err
			}
			return writeLog(c, entries)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of history entries")
	cmd.Flags().IntVarP(&limit, "limit", "n", 0, "show at most `N` entries (0: all that are kept)")
	return cmd
}

// writeLog prints history entries as aligned columns: time, who, what,
// and the records touched.
func writeLog(c *cli, entries []model.HistoryEntry) error {
	tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "WHEN\tWHO\tWHAT\tRECORDS")
	for _, h := range entries {
		recs := strings.Join(h.Records, ", ")
		if h.More > 0 {
			recs += fmt.Sprintf(" and %d more", h.More)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", h.At.Local().Format("2006-01-02 15:04:05"), cell(h.By), cell(h.Label), cell(recs))
	}
	return tw.Flush()
}
