package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/model"
)

// suggestionJSON is one suggestion in `threatdeck suggest --json`, in rank
// order. Field names follow the library format where they overlap.
type suggestionJSON struct {
	LibraryID   string              `json:"library_id"`
	Library     string              `json:"library"`
	Title       string              `json:"title"`
	Category    model.Stride        `json:"category"`
	Elements    []string            `json:"elements"`
	Assets      []string            `json:"assets"`
	Why         string              `json:"why"`
	Score       int                 `json:"score"`
	Likelihood  int                 `json:"likelihood"`
	Impact      int                 `json:"impact"`
	Mitigations []string            `json:"mitigations"`
	OWASP       []string            `json:"owasp"`
	CWE         []string            `json:"cwe"`
	Kinds       []model.ElementKind `json:"applies_to"`
}

func (c *cli) suggestCmd() *cobra.Command {
	var asJSON, all bool
	var category string
	cmd := &cobra.Command{
		Use:   "suggest MODEL",
		Short: "Suggest library threats that fit a model's attack surface, most relevant first",
		Long: "Suggest threats from the built-in library and the workbook's team libraries that fit the\n" +
			"model's attack-surface elements (STRIDE-per-element, refined by each element's kind, traits,\n" +
			"exposure and callers, and by the sensitivity of the assets it concerns), most relevant first,\n" +
			"each with why it was suggested. By default it prints the 5 most relevant per STRIDE category,\n" +
			"as the workbook shows them; --all prints every suggestion. Threats the model already has (same\n" +
			"library id or title) and suggestions dismissed in the workbook are left out.",
		Args: args(1, "one argument, the model's id or title"),
		RunE: func(cmd *cobra.Command, a []string) error {
			var only model.Stride
			if category != "" {
				s, ok := model.ParseStride(category)
				if !ok {
					return usagef("unknown STRIDE category %q; use a letter (S, T, R, I, D, E) or a name such as spoofing", category)
				}
				only = s
			}
			var m *model.Model
			var team []model.Library
			if err := c.withStore(true, func(s workbook) (err error) {
				if m, err = s.Find(a[0]); err != nil {
					return err
				}
				team, err = s.ActiveLibraries()
				return err
			}); err != nil {
				return err
			}
			libs := model.SuggestionLibraries(team)
			sugg := model.Suggest(m, libs...)
			if only != "" {
				sugg = model.SuggestFor(m, only, libs...)
			}
			total := len(sugg)
			if !all {
				sugg = model.Top(sugg, model.DefaultShown)
			}
			if asJSON {
				return writeSuggestionsJSON(c.stdout, m, sugg)
			}
			return writeSuggestions(c.stdout, m, sugg, total-len(sugg))
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of suggestions, most relevant first")
	cmd.Flags().BoolVar(&all, "all", false, "print every suggestion, not only the 5 most relevant per STRIDE category")
	cmd.Flags().StringVar(&category, "category", "", "only suggestions of one STRIDE `category` (S, T, R, I, D, E or its name)")
	return cmd
}

// writeSuggestions prints a ranked list: rank, id, category and title on one
// line, why on the next; hidden is how many --all would add.
func writeSuggestions(w io.Writer, m *model.Model, sugg []model.Suggestion, hidden int) error {
	if len(sugg) == 0 {
		msg := "No suggestions: every library threat that fits the model's attack surface is in the model or dismissed."
		if len(m.Surface) == 0 {
			msg = "No suggestions: the model has no attack-surface elements yet, and suggestions follow their kinds."
		}
		_, err := fmt.Fprintln(w, msg)
		return err
	}
	width := len(fmt.Sprint(len(sugg)))
	for i, s := range sugg {
		fmt.Fprintf(w, "%*d. %s  %s  %s\n", width, i+1, cell(s.Threat.ID), s.Threat.Category.Label(), cell(s.Threat.Title))
		fmt.Fprintf(w, "%*s  why: %s\n", width, "", cell(s.Why))
	}
	fmt.Fprintf(w, "\n%d %s. Accept or dismiss them in the STRIDE step of the workbook (threatdeck).\n",
		len(sugg), plural(len(sugg), "suggestion", "suggestions"))
	if hidden > 0 {
		fmt.Fprintf(w, "%d less relevant %s not shown; --all lists them.\n", hidden, plural(hidden, "suggestion is", "suggestions are"))
	}
	return nil
}

func writeSuggestionsJSON(w io.Writer, m *model.Model, sugg []model.Suggestion) error {
	out := make([]suggestionJSON, 0, len(sugg))
	for _, s := range sugg {
		lt := s.Threat
		owasp := lt.OWASP2025
		if m.Edition() == model.OWASP2021 {
			owasp = lt.OWASP2021
		}
		out = append(out, suggestionJSON{
			LibraryID: lt.ID, Library: s.Library, Title: lt.Title, Category: lt.Category,
			Elements: nonNil(s.Elements), Assets: nonNil(s.Assets), Why: s.Why, Score: s.Score,
			Likelihood: s.Likelihood, Impact: s.Impact, Mitigations: nonNil(lt.Mitigations),
			OWASP: nonNil(owasp), CWE: nonNil(lt.CWE), Kinds: nonNil(lt.AppliesTo),
		})
	}
	return writeJSON(w, out)
}

func (c *cli) libraryCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "library",
		Short: "Validate, add, list, remove and export team threat libraries",
		Long: "Team threat libraries add a team's own threats to the suggestions. They are kept in the\n" +
			"workbook, versioned by name, so every model in it draws on them.\n\n" + model.LibraryFormat,
		Args: func(cmd *cobra.Command, a []string) error {
			if len(a) == 0 {
				return nil
			}
			if s := cmd.SuggestionsFor(a[0]); len(s) > 0 {
				return usagef("unknown library command %q; did you mean %q?", a[0], s[0])
			}
			return usagef("unknown library command %q; use validate, add, list, remove or export", a[0])
		},
		RunE: func(cmd *cobra.Command, _ []string) error { return cmd.Help() },
	}
	cmd.SuggestionsMinimumDistance = 2
	cmd.AddCommand(c.libraryValidateCmd(), c.libraryAddCmd(), c.libraryListCmd(), c.libraryRemoveCmd(), c.libraryExportCmd())
	return cmd
}

// readLibraryFile reads a library file (- for stdin), reading at most one
// byte past the size limit so a huge input is refused unread.
func (c *cli) readLibraryFile(name string) ([]byte, error) {
	var r io.Reader = c.stdin
	if name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return nil, fmt.Errorf("cannot read %s: %w", name, unwrapPath(err))
		}
		defer f.Close()
		r = f
	}
	data, err := io.ReadAll(io.LimitReader(r, model.MaxLibrarySize+1))
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, unwrapPath(err))
	}
	return data, nil
}

func (c *cli) libraryValidateCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "validate FILE",
		Short: "Check a team library file; exit 0 when valid, 1 with every problem listed",
		Long: "Check a team library file without adding it. A valid file prints a one-line summary and exits 0;\n" +
			"an invalid one prints each problem on its own line on stdout, naming the entry and the field,\n" +
			"and exits 1.",
		Args: args(1, "one argument, the library file (- for stdin)"),
		RunE: func(cmd *cobra.Command, a []string) error {
			data, err := c.readLibraryFile(a[0])
			if err != nil {
				return err
			}
			l, err := model.ParseLibrary(data)
			if err != nil {
				// The problems are this command's report: one per line on
				// stdout; the one-line error on stderr says it failed.
				problems := problemLines(err)
				for _, p := range problems {
					fmt.Fprintln(c.stdout, p)
				}
				n := countProblems(problems)
				return fmt.Errorf("%s is not a valid threat library: %d %s", fileName(a[0]), n, plural(n, "problem", "problems"))
			}
			_, err = fmt.Fprintf(c.stdout, "%s: valid threat library %s, %d %s\n",
				fileName(a[0]), libraryLabel(l.Name, l.Version), len(l.Threats), plural(len(l.Threats), "threat", "threats"))
			return err
		},
	}
}

// problemLines splits a ParseLibrary error into its problems, each made
// safe for the terminal.
func problemLines(err error) []string {
	var lines []string
	for line := range strings.Lines(err.Error()) {
		lines = append(lines, cell(line))
	}
	return lines
}

// countProblems counts reported problems; a closing "… and N more
// problems" line stands for N.
func countProblems(lines []string) int {
	n := len(lines)
	if n == 0 {
		return 0
	}
	var more int
	if _, err := fmt.Sscanf(lines[n-1], "… and %d more", &more); err == nil {
		n += more - 1
	}
	return n
}

// fileName names a FILE argument in messages ("-" is stdin).
func fileName(arg string) string {
	if arg == "-" {
		return "stdin"
	}
	return arg
}

func libraryLabel(name, version string) string {
	out := fmt.Sprintf("%q", cell(name))
	if v := strings.TrimSpace(version); v != "" {
		// The file's own version is its label: "version" in this
		// command's output is the workbook's number for the added copy.
		out += " (label " + cell(v) + ")"
	}
	return out
}

func (c *cli) libraryAddCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "add FILE",
		Short: "Add a team library to the workbook; the same name again adds a new version",
		Args:  args(1, "one argument, the library file (- for stdin)"),
		RunE: func(cmd *cobra.Command, a []string) error {
			data, err := c.readLibraryFile(a[0])
			if err != nil {
				return err
			}
			l, err := model.ParseLibrary(data)
			if err != nil {
				return fmt.Errorf("%s was not added, nothing changed: %w", fileName(a[0]), err)
			}
			return c.withStore(false, func(s workbook) error {
				v, err := s.AddLibrary(l, clock())
				if err != nil {
					return err
				}
				_, err = fmt.Fprintf(c.stdout, "Added library %s as version %d, %d %s; suggestions now draw on it.\n",
					libraryLabel(l.Name, l.Version), v, len(l.Threats), plural(len(l.Threats), "threat", "threats"))
				return err
			})
		},
	}
}

func (c *cli) libraryListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the team libraries in the workbook: name, version, threats, when added, which is active",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			infos, err := readList(c, workbook.Libraries)
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.stdout, nonNil(infos))
			}
			builtin := model.BuiltinLibrary()
			if len(infos) == 0 {
				_, err := fmt.Fprintf(c.stdout, "No team libraries yet; suggestions come from the built-in library (%d threats).\n"+
					"Start one from it with: threatdeck library export -o team.json, then: threatdeck library add team.json\n", len(builtin.Threats))
				return err
			}
			tw := tabwriter.NewWriter(c.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "NAME\tVERSION\tLABEL\tTHREATS\tADDED\tACTIVE")
			for _, li := range infos {
				active := ""
				if li.Active {
					active = "yes"
				}
				fmt.Fprintf(tw, "%s\t%d\t%s\t%d\t%s\t%s\n", cell(li.Name), li.Version, cell(li.Label), li.Threats,
					li.Added.UTC().Format("2006-01-02 15:04"), active)
			}
			if err := tw.Flush(); err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.stdout, "Suggestions draw on the active versions and the built-in library (%d threats).\n", len(builtin.Threats))
			return err
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of every stored version")
	return cmd
}

func (c *cli) libraryRemoveCmd() *cobra.Command {
	var version int
	cmd := &cobra.Command{
		Use:   "remove NAME",
		Short: "Remove a team library from the workbook, or with --version one version of it",
		Long: "Remove every version of the team library NAME, or with --version N only that version. Removing\n" +
			"the newest version makes the one before it active. Threats already accepted from the library\n" +
			"stay in their models.",
		Args: args(1, "one argument, the library's name (see threatdeck library list)"),
		RunE: func(cmd *cobra.Command, a []string) error {
			if version < 0 {
				return usagef("--version must be a version number from threatdeck library list")
			}
			return c.withStore(false, func(s workbook) error {
				n, err := s.RemoveLibrary(a[0], version)
				if err != nil {
					return err
				}
				name := fmt.Sprintf("%q", cell(strings.TrimSpace(a[0])))
				if version == 0 {
					_, err = fmt.Fprintf(c.stdout, "Removed library %s (%d %s); suggestions no longer draw on it.\n",
						name, n, plural(n, "version", "versions"))
					return err
				}
				infos, err := s.Libraries()
				if err != nil {
					return err
				}
				now := "it was the last version, so suggestions no longer draw on the library"
				for _, li := range infos {
					if li.Active && li.Name == strings.TrimSpace(a[0]) {
						now = fmt.Sprintf("version %d is active", li.Version)
					}
				}
				_, err = fmt.Fprintf(c.stdout, "Removed version %d of library %s; %s.\n", version, name, now)
				return err
			})
		},
	}
	cmd.Flags().IntVar(&version, "version", 0, "remove only version `N` (as numbered by threatdeck library list)")
	return cmd
}

func (c *cli) libraryExportCmd() *cobra.Command {
	var out string
	cmd := &cobra.Command{
		Use:   "export",
		Short: "Write the built-in library in the team format, as a starting point for a team library",
		Long: "Write the built-in threat library in the team library format, to stdout or, with -o, to a file\n" +
			"(written atomically, 0600). Rename it, edit, remove or add threats, then: threatdeck library add FILE.\n" +
			"A team threat that keeps a built-in id replaces the built-in one in suggestions.",
		Args: args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if err := outputGiven(cmd, out); err != nil {
				return err
			}
			data, err := model.MarshalLibrary(model.BuiltinLibrary())
			if err != nil {
				return err
			}
			if out == "" || out == "-" {
				_, err = c.stdout.Write(data)
				return err
			}
			if err := export.WriteFile(out, data); err != nil {
				return err
			}
			_, err = fmt.Fprintf(c.stdout, "Exported the built-in library to %s\n", out)
			return err
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to `FILE` instead of stdout")
	return cmd
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
