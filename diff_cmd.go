package main

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// errModelsDiffer makes `threatdeck diff` exit 1, as diff(1) does.
var errModelsDiffer = errors.New("the models differ")

// diffCmd is `threatdeck diff A B`.
func (c *cli) diffCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "diff A B",
		Short: "Compare two models by stable id: exit 0 when equal, 1 when they differ",
		Long: "Compare model A with model B: assets, actors, surface elements, threats (title, category,\n" +
			"likelihood, impact, risk, status, treatment …), mitigations, OWASP items and checklists, matched\n" +
			"by their ids. Each of A and B is a model file (threatdeck JSON export, Threat Dragon, OTM or\n" +
			"TM-BOM; a file of that name wins) or a model in the workbook, by id or title.\n" +
			"--format text is for a terminal, markdown for a pull-request comment (a summary line, then\n" +
			"tables of added, removed and changed items, before → after), json for scripts.\n" +
			"Exit status: 0 when the models are equal, 1 when they differ, 2 on a usage error or when A or\n" +
			"B cannot be read. \"threatdeck diff MODEL docs/threat-model.json\" says what changed since the\n" +
			"committed export.",
		Args: args(2, "two arguments, the models to compare (files, or ids or titles in the workbook)"),
		RunE: func(cmd *cobra.Command, a []string) error {
			format = strings.ToLower(format)
			if format != "text" && format != "markdown" && format != "json" {
				return usagef("unknown diff format %q: use text, markdown or json", format)
			}
			sides, err := c.diffSides(a)
			if err != nil {
				return usageError{err}
			}
			d := model.Diff(sides[0], sides[1])
			var out []byte
			switch format {
			case "text":
				out = export.DiffText(d)
			case "markdown":
				out = export.DiffMarkdown(d)
			case "json":
				if out, err = export.DiffJSON(d); err != nil {
					return err
				}
			}
			if _, err := c.stdout.Write(out); err != nil {
				return err
			}
			if !d.Equal() {
				return errModelsDiffer
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&format, "format", "text", "output: text, markdown or json")
	return cmd
}

// diffSides reads both models: a file is imported, anything else is
// looked up in the workbook (opened read-only, once, only if needed).
func (c *cli) diffSides(refs []string) ([]*model.Model, error) {
	out := make([]*model.Model, len(refs))
	var inWorkbook []int
	for i, ref := range refs {
		if info, err := os.Stat(ref); err == nil && info.Mode().IsRegular() {
			m, err := importFile(ref)
			if err != nil {
				return nil, err
			}
			out[i] = m
			continue
		}
		inWorkbook = append(inWorkbook, i)
	}
	if len(inWorkbook) == 0 {
		return out, nil
	}
	err := c.withStore(true, func(s workbook) error {
		for _, i := range inWorkbook {
			m, err := s.Find(refs[i])
			if err != nil {
				return fmt.Errorf("%s is neither a model file nor a model in the workbook: %w", refs[i], err)
			}
			out[i] = m
		}
		return nil
	})
	return out, err
}
