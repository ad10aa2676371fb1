// Command threatdeck is a terminal threat-model workbook. Run without a
// command it opens the interactive workbook; its commands list, create,
// export, import and back up models for scripts.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"

	"github.com/threatdeck/threatdeck/export"
	"github.com/threatdeck/threatdeck/live"
	"github.com/threatdeck/threatdeck/model"
	"github.com/threatdeck/threatdeck/store"
	"github.com/threatdeck/threatdeck/tui"
)

// version is the release, set at build time with
// -ldflags "-X main.version=v1.2.3"; without it the module's build
// information is used.
var version string

// Seams for tests: the TUI (which needs a terminal) and the clock.
var (
	runTUI = tui.Run
	clock  = model.DefaultClock
)

// Exit codes.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}

// run executes one command line and returns its exit code. Errors are
// printed on stderr as one line prefixed "threatdeck: ".
func run(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	cmd := newRootCmd(stdin, stdout)
	cmd.SetArgs(args)
	cmd.SetOut(stdout)
	cmd.SetErr(stderr)
	err := cmd.Execute()
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "threatdeck: "+oneLine(err.Error()))
	if _, ok := errors.AsType[usageError](err); ok {
		return exitUsage
	}
	return exitFail
}

// usageError marks a mistake in the command line itself (exit code 2).
type usageError struct{ err error }

func (e usageError) Error() string {
	return e.err.Error() + " (see threatdeck --help)"
}

func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error {
	return usageError{fmt.Errorf(format, args...)}
}

// oneLine keeps an error to one line: some wrapped errors (a validation
// error listing fields) span several.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(s, "\n", "; ")), " ")
}

// cli holds the flags shared by every command.
type cli struct {
	db     string
	stdin  io.Reader
	stdout io.Writer
}

func newRootCmd(stdin io.Reader, stdout io.Writer) *cobra.Command {
	c := &cli{stdin: stdin, stdout: stdout}
	var accessible bool
	var name string
	root := &cobra.Command{
		Use:   "threatdeck",
		Short: "A terminal workbook for threat models",
		Long: "threatdeck walks a team through a threat model: scope, assets, threat actors, attack surface,\n" +
			"STRIDE threats with risk and mitigations, OWASP Top 10 and security checklists, then a Markdown\n" +
			"report. Run without a command to open the interactive workbook; every change is saved at once.",
		Version: versionString(),
		// Without a command, threatdeck opens the TUI; any argument here is
		// a mistyped command.
		Args: func(cmd *cobra.Command, args []string) error {
			if len(args) == 0 {
				return nil
			}
			if s := cmd.SuggestionsFor(args[0]); len(s) > 0 {
				return usagef("unknown command %q; did you mean %q?", args[0], s[0])
			}
			return usagef("unknown command %q", args[0])
		},
		RunE: func(cmd *cobra.Command, _ []string) error {
			return c.openTUI(accessible, name)
		},
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.CompletionOptions.HiddenDefaultCmd = true
	root.SuggestionsMinimumDistance = 2
	root.SetVersionTemplate("threatdeck {{.Version}}\n")
	root.PersistentFlags().StringVar(&c.db, "db", "", "workbook `file` (default $"+store.EnvDB+", else $XDG_DATA_HOME/threatdeck/workbook.db)")
	root.Flags().BoolVar(&accessible, "accessible", false, "screen-reader friendly mode: no alternate screen, one prompt per line")
	root.Flags().StringVar(&name, "name", "", "your `name` in a live session (default the OS user name)")
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usageError{err} })
	root.AddCommand(c.listCmd(), c.newCmd(), c.exampleCmd(), c.exportCmd(), c.importCmd(), c.backupCmd(), versionCmd(),
		c.suggestCmd(), c.libraryCmd(), c.checkCmd(), c.serveCmd())
	root.AddCommand(c.salvageCmd(), c.logCmd(), c.diffCmd())
	return root
}

// args checks a command's argument count, as a usage error.
func args(n int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) != n {
			return usagef("%s takes %s", cmd.Name(), what)
		}
		return nil
	}
}

// path returns the workbook path from --db or the default.
func (c *cli) path() (string, error) {
	if c.db != "" {
		return c.db, nil
	}
	return store.DefaultPath()
}

// open opens the workbook: through its live host when a threatdeck hosts
// it, else directly. Read-only opens create nothing and let several
// commands read at once.
func (c *cli) open(readOnly bool) (workbook, error) {
	p, err := c.path()
	if err != nil {
		return nil, err
	}
	return openWorkbook(p, readOnly)
}

// withStore runs fn on the open workbook and closes it, reporting a failed
// close (the last write's sync) when fn succeeded.
func (c *cli) withStore(readOnly bool, fn func(workbook) error) error {
	s, err := c.open(readOnly)
	if err != nil {
		return err
	}
	err = fn(s)
	if cerr := s.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("cannot close workbook %s: %w", s.Path(), cerr)
	}
	return err
}

// openTUI opens the interactive workbook. When a threatdeck already hosts
// the workbook, this one joins its live session as a participant;
// otherwise it becomes the host (and facilitator), serving the workbook to
// other threatdecks on its socket while it runs.
func (c *cli) openTUI(accessible bool, name string) error {
	p, err := c.path()
	if err != nil {
		return err
	}
	opts := tui.Options{
		Render:     export.Markdown,
		WriteFile:  export.WriteFile,
		Import:     importFile,
		Example:    model.Example,
		Accessible: accessible,
	}
	if name == "" {
		name = userName()
	}
	opts.User = name
	join := live.DialOptions{Join: true, Name: name}
	if cl, found, err := dialHost(p, join); found {
		if err != nil {
			return err
		}
		defer cl.Close()
		return runLive(cl, opts)
	}
	h, err := live.Open(p, live.Options{Name: name})
	if _, locked := errors.AsType[*store.LockedError](err); locked {
		if cl, found, derr := dialHost(p, join); found {
			if derr != nil {
				return derr
			}
			defer cl.Close()
			return runLive(cl, opts)
		}
	}
	if err != nil {
		return err
	}
	me, err := h.Join(model.Participant{Name: name, Role: model.RoleFacilitator})
	if err == nil {
		opts.Hosting = true
		err = runLive(me, opts)
		me.Leave()
	}
	if cerr := h.Close(); err == nil && cerr != nil {
		err = fmt.Errorf("cannot close workbook %s: %w", h.Path(), cerr)
	}
	return err
}

// runLive runs the TUI on a live session's workbook.
func runLive(wb interface {
	tui.Live
	ActiveLibraries() ([]model.Library, error)
}, opts tui.Options) error {
	team, err := wb.ActiveLibraries()
	if err != nil {
		return err
	}
	opts.Workbook = wb
	if len(team) > 0 {
		// Without team libraries the TUI reads the built-in one itself,
		// on the first suggestion: parsing it here cost every start 3 ms.
		opts.Library = model.SuggestionLibraries(team)
	}
	return runTUI(opts)
}

func (c *cli) listCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list",
		Short: "List the models in the workbook: id, title, owner, last update, completion",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			sums, err := listModels(c, func(s workbook) { warnDamaged(cmd, s) })
			if err != nil {
				return err
			}
			if asJSON {
				return writeJSON(c.stdout, nonNil(sums))
			}
			if len(sums) == 0 {
				_, err := fmt.Fprintln(c.stdout, "No models yet. Create one with: threatdeck new TITLE (or threatdeck example)")
				return err
			}
			return writeTable(c.stdout, sums)
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array of model summaries")
	cmd.RunE = batch(batchGCPercent, cmd.RunE)
	return cmd
}

// readList reads one list from the workbook, read-only. A workbook not
// created yet simply has nothing in it (list says it is not there, as
// export does: see listModels).
func readList[T any](c *cli, read func(workbook) ([]T, error)) ([]T, error) {
	var list []T
	err := c.withStore(true, func(s workbook) (err error) {
		list, err = read(s)
		return err
	})
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return list, err
}

// writeJSON prints v as indented JSON, the form every --json flag uses.
func writeJSON(w io.Writer, v any) error {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	_, err = fmt.Fprintf(w, "%s\n", data)
	return err
}

// writeTable prints model summaries as aligned columns.
func writeTable(w io.Writer, sums []model.Summary) error {
	tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tTITLE\tOWNER\tUPDATED\tDONE")
	var damaged []model.Summary
	for _, s := range sums {
		if s.Damage != "" {
			damaged = append(damaged, s)
			fmt.Fprintf(tw, "%s\t%s\t-\t-\tdamaged\n", cell(s.ID), cell(s.Title))
			continue
		}
		updated := "-"
		if !s.Updated.IsZero() {
			updated = s.Updated.UTC().Format("2006-01-02 15:04")
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%d%%\n", cell(s.ID), cell(s.Title), cell(s.Owner), updated, s.Completion)
	}
	if err := tw.Flush(); err != nil {
		return err
	}
	// Damaged models say why, and how to save the rest (see salvage_cmd.go).
	for _, s := range damaged {
		if _, err := fmt.Fprintf(w, "Model %s is damaged (%s); copy what can be saved with: threatdeck salvage DEST\n", cell(s.ID), cell(s.Damage)); err != nil {
			return err
		}
	}
	return nil
}

// cell makes workbook text safe for one table cell on a terminal: escape
// sequences and controls stripped (a crafted workbook must not drive the
// terminal), tabs and newlines flattened so columns hold.
func cell(s string) string {
	s = strings.Join(strings.Fields(model.CleanLine(s)), " ")
	if s == "" {
		return "-"
	}
	return s
}

func (c *cli) newCmd() *cobra.Command {
	var owner string
	cmd := &cobra.Command{
		Use:   "new TITLE",
		Short: "Create an empty model",
		Args:  args(1, "one argument, the model's title (quote it if it has spaces)"),
		RunE: func(cmd *cobra.Command, a []string) error {
			if strings.TrimSpace(a[0]) == "" {
				return usageError{errors.New("the title must not be empty")}
			}
			m, err := model.New(a[0], owner, clock())
			if err != nil {
				return fmt.Errorf("cannot create the model: %w", err)
			}
			return c.create(m, "Created model", false)
		},
	}
	cmd.Flags().StringVar(&owner, "owner", "", "the team or person who owns the model")
	return cmd
}

func (c *cli) exampleCmd() *cobra.Command {
	var force bool
	cmd := &cobra.Command{
		Use:   "example",
		Short: "Add the example model: the reference threat model, fully reproduced",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			m := model.Example(clock())
			if !force {
				// A second example would be a second model of the same
				// title, which `export "Threat Model"` could not tell apart.
				if err := c.withStore(true, func(s workbook) error {
					list, err := s.List()
					for _, sum := range list {
						if sum.Title == m.Overview.Title {
							return fmt.Errorf("the example already exists as model %s (%s); use --force to add another copy", sum.ID, cell(sum.Title))
						}
					}
					return err
				}); err != nil && !errors.Is(err, fs.ErrNotExist) {
					return err
				}
			}
			return c.create(m, "Added the example as model", false)
		},
	}
	cmd.Flags().BoolVar(&force, "force", false, "add the example even if the workbook already has it")
	return cmd
}

// create stores a new model and reports its id. With take, a store that
// can takes m's kept documents over as it writes them (see
// store.CreateTaking): import is done with them once the model is
// stored. A live host's client sends the model whole, and keeps it.
func (c *cli) create(m *model.Model, what string, take bool) error {
	return c.withStore(false, func(s workbook) error {
		create := s.Create
		if st, ok := s.(*store.Store); ok && take {
			create = st.CreateTaking
		}
		id, err := create(m)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(c.stdout, "%s %s: %s\n", what, id, cell(m.Overview.Title))
		return err
	})
}

func (c *cli) exportCmd() *cobra.Command {
	var format, out string
	cmd := &cobra.Command{
		Use:   "export MODEL",
		Short: "Export a model (by id or title) as a Markdown report, threatdeck JSON, Threat Dragon, OTM or CSV",
		Long: "Export a model, named by its id or its title (any case), as a Markdown report or as\n" +
			"threatdeck JSON (lossless; import it elsewhere), or for other tools: threat-dragon (a Threat\n" +
			"Dragon v2 model), otm (Open Threat Model) or csv (the threat register, one row per threat).\n" +
			"Writes to stdout unless -o is given;\n" +
			"files are written atomically and readable only by you (0600).",
		Args: args(1, "one argument, the model's id or title"),
		RunE: func(cmd *cobra.Command, a []string) error {
			if err := outputGiven(cmd, out); err != nil {
				return err
			}
			f, err := export.ExportFormat(format)
			if err != nil {
				return usageError{err}
			}
			// The model is written out while the workbook is still open:
			// its texts may be the workbook's own bytes (readModel).
			return c.withStore(true, func(s workbook) error {
				return readModel(s, a[0], func(m *model.Model) error {
					warnDamaged(cmd, s)
					return c.writeExport(m, f, out)
				})
			})
		},
	}
	cmd.Flags().StringVar(&format, "format", "markdown", export.OrList(export.ExportNames()))
	cmd.Flags().StringVarP(&out, "output", "o", "", "write to `FILE` instead of stdout")
	cmd.RunE = c.batchSized(cmd.RunE)
	return cmd
}

// writeExport writes m in format f to the file out, or to stdout when out
// is "" or "-".
func (c *cli) writeExport(m *model.Model, f export.FormatSpec, out string) error {
	failed := func(err error) error { return fmt.Errorf("cannot export model %s: %w", m.ID, err) }
	toStdout := out == "" || out == "-"
	switch {
	case toStdout && f.Stream != nil:
		// Streamed to stdout as it is made, as into a file: the
		// document is never whole in memory. A problem with the
		// document is reported after what was written; a failed
		// write as itself.
		return streamOut(c.stdout, func(w io.Writer) error {
			if err := f.Stream(w, m); err != nil {
				return failed(err)
			}
			return nil
		})
	case !toStdout && f.Stream != nil:
		// Written into the temporary file as it is made: the
		// document is never whole in memory.
		if err := export.WriteFileFrom(out, func(w io.Writer) error {
			if err := f.Stream(w, m); err != nil {
				return failed(err)
			}
			return nil
		}); err != nil {
			return err
		}
	default:
		data, err := f.Export(m)
		if err != nil {
			return failed(err)
		}
		if toStdout {
			_, err = c.stdout.Write(data)
			return err
		}
		if err := export.WriteFile(out, data); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(c.stdout, "Exported model %s to %s\n", m.ID, out)
	return err
}

func (c *cli) importCmd() *cobra.Command {
	var format string
	cmd := &cobra.Command{
		Use:   "import FILE",
		Short: "Import a model file (threatdeck JSON, or another tool's format) as a new model",
		Long: "Import a model file as a new model, in one transaction: a file that fails leaves the\n" +
			"workbook as it was. The format is detected from the content: " + export.OrList(export.ImportTitles()) + ";\n" +
			"--format forces one.",
		Args: args(1, "one argument, the file to import (- for stdin)"),
		RunE: func(cmd *cobra.Command, a []string) error {
			var f export.Format
			if format != "" {
				var err error
				if f, err = export.ParseFormat(format); err != nil {
					return usageError{err}
				}
			}
			r, name := io.Reader(c.stdin), "stdin"
			if a[0] != "-" {
				file, err := os.Open(a[0])
				if err != nil {
					return fmt.Errorf("cannot read %s: %w", a[0], unwrapPath(err))
				}
				defer file.Close()
				r, name = file, a[0]
			}
			m, err := importReaderAs(r, name, f)
			if err != nil {
				return err
			}
			warnImport(cmd.ErrOrStderr(), name, m)
			c.releaseForCheck(a)
			return c.create(m, "Imported "+a[0]+" as model", true)
		},
	}
	cmd.Flags().StringVar(&format, "format", "", "force the format: "+export.OrList(export.ImportNames()))
	cmd.RunE = batchImport(cmd.RunE)
	return cmd
}

// importFile reads and imports a model file; the TUI uses it too.
func importFile(path string) (*model.Model, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", path, unwrapPath(err))
	}
	defer f.Close()
	return importReader(f, path)
}

// importReader reads at most one byte past export's size limit, so a huge
// or endless input is refused without being read whole.
func importReader(r io.Reader, name string) (*model.Model, error) {
	return importReaderAs(r, name, "")
}

// importReaderAs is importReader with a forced format ("" detects it).
// Nothing keeps the file's bytes once the model is built.
func importReaderAs(r io.Reader, name string, f export.Format) (*model.Model, error) {
	data, err := readImport(r)
	if err != nil {
		return nil, fmt.Errorf("cannot read %s: %w", name, unwrapPath(err))
	}
	return export.ImportAs(data, filepath.Base(name), f)
}

// readImport reads r to its end, but at most one byte past export's size
// limit. A regular file is read into a buffer of its size: io.ReadAll
// doubled its way up to a 190 MB file through 360 MB of buffers.
func readImport(r io.Reader) ([]byte, error) {
	var buf bytes.Buffer
	if f, ok := r.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode().IsRegular() {
			// The room past the end lets ReadFrom see the end
			// without growing the buffer.
			buf.Grow(int(min(st.Size(), export.MaxJSONBytes+1)) + bytes.MinRead)
		}
	}
	_, err := buf.ReadFrom(io.LimitReader(r, export.MaxJSONBytes+1))
	return buf.Bytes(), err
}

// checkCmd is `threatdeck check`, the CI gate (see export.CheckFlags).
func (c *cli) checkCmd() *cobra.Command {
	var flags export.CheckFlags
	cmd := &cobra.Command{
		Use:   "check MODEL",
		Short: "Fail (exit 1) when a model does not meet the bar: for CI",
		Long: "Check a model against a bar and exit 0 when it meets it, 1 when it does not, 2 on usage errors.\n" +
			"MODEL is a model file (threatdeck JSON export, Threat Dragon, OTM or TM-BOM; a file of that\n" +
			"name wins) or a model in the workbook, by id or title.\n" +
			"Open threats at or above --fail-on fail. --require adds: stride (every STRIDE category\n" +
			"reviewed), owasp (every OWASP Top 10 item assessed), controls (every security control,\n" +
			"testing and compliance item assessed), mitigations (every open threat has a mitigation),\n" +
			"content (overview, assets, actors and surface described; incident response, related\n" +
			"documentation and references written), decisions (every accepted, transferred or avoided\n" +
			"threat has a rationale and a decider). An acceptance past its review-by date always fails.\n" +
			"--format text lists each failing item with where to fix it; json is machine-readable;\n" +
			"sarif is SARIF 2.1.0 with one result per failing item, for code-scanning tools.",
		Args: args(1, "one argument, the model file or the model's id or title"),
		RunE: func(cmd *cobra.Command, a []string) error {
			opts, err := flags.Options()
			if err != nil {
				return usageError{err}
			}
			opts.Now = clock() // an acceptance past its review-by date fails
			// The model is checked and the outcome written while its
			// file or workbook is still open: its texts may be their own
			// bytes (export.ReadModelFile, readModel).
			var findings []model.Finding
			check := func(m *model.Model, src export.CheckSource) error {
				findings = model.Check(m, opts)
				return export.WriteCheck(c.stdout, m, opts, findings, strings.ToLower(flags.Format), src, versionString())
			}
			if isModelFile(a[0]) {
				if err := export.ReadModelFile(a[0], check); err != nil {
					return err
				}
				return export.CheckResult(findings)
			}
			found := false
			if err := c.withStore(true, func(s workbook) error {
				return readModel(s, a[0], func(m *model.Model) error {
					found = true
					return check(m, export.CheckSource{})
				})
			}); err != nil {
				if !found && looksLikeFile(a[0]) {
					// "check docs/threat-model.json" in CI with the file
					// missing: say so, not that the workbook is empty.
					return fmt.Errorf("cannot read %s: no such file (and no model of that name in the workbook)", a[0])
				}
				return err
			}
			return export.CheckResult(findings)
		},
	}
	cmd.Flags().StringVar(&flags.FailOn, "fail-on", "high", "lowest risk band of an open threat that fails: low, medium, high or critical")
	cmd.Flags().StringSliceVar(&flags.Require, "require", nil, "also require: stride, owasp, controls, mitigations, content, decisions (comma-separated)")
	cmd.Flags().StringVar(&flags.Format, "format", "text", "output: text, json or sarif")
	// A model in the workbook is loaded as export loads it (batchSized:
	// at 400 percent the collector still ran once during the load, and
	// stopped its decoders to do it); a file likewise, sized from the file
	// (batchFile).
	sized, file := c.batchSized(cmd.RunE), batchFile(cmd.RunE)
	cmd.RunE = func(cmd *cobra.Command, a []string) error {
		if len(a) == 1 && isModelFile(a[0]) {
			return file(cmd, a)
		}
		return sized(cmd, a)
	}
	return cmd
}

// isModelFile reports whether check's MODEL argument names a regular file
// (which wins over a model of that title in the workbook).
func isModelFile(ref string) bool {
	info, err := os.Stat(ref)
	return err == nil && info.Mode().IsRegular()
}

// looksLikeFile reports whether a MODEL argument reads as a file path
// (a directory part or a model file's extension) rather than a title.
func looksLikeFile(ref string) bool {
	if strings.ContainsRune(ref, os.PathSeparator) {
		return true
	}
	switch strings.ToLower(filepath.Ext(ref)) {
	case ".json", ".yaml", ".yml":
		return true
	}
	return false
}

func unwrapPath(err error) error {
	if pe, ok := errors.AsType[*fs.PathError](err); ok {
		return pe.Err
	}
	return err
}

func (c *cli) backupCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "backup DEST",
		Short: "Copy the workbook to DEST (a file or directory), safely, even while it is in use",
		Args:  args(1, "one argument, the backup file or directory"),
		RunE: func(cmd *cobra.Command, a []string) error {
			return c.withStore(true, func(s workbook) error {
				if err := s.Backup(a[0]); err != nil {
					return err
				}
				_, err := fmt.Fprintf(c.stdout, "Backed up %s to %s\n", s.Path(), a[0])
				return err
			})
		},
	}
}

func versionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print threatdeck's version",
		Args:  args(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			_, err := fmt.Fprintln(cmd.OutOrStdout(), "threatdeck "+versionString())
			return err
		},
	}
}

// versionString is the -ldflags version, else the module version, else
// "devel" with the VCS revision the binary was built from.
func versionString() string {
	if version != "" {
		return version
	}
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "devel"
	}
	if v := info.Main.Version; v != "" && v != "(devel)" {
		return v
	}
	var rev, modified string
	var when time.Time
	for _, s := range info.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.modified":
			if s.Value == "true" {
				modified = ", modified"
			}
		case "vcs.time":
			when, _ = time.Parse(time.RFC3339, s.Value)
		}
	}
	if rev == "" {
		return "devel"
	}
	out := "devel (" + rev[:min(12, len(rev))]
	if !when.IsZero() {
		out += " " + when.UTC().Format("2006-01-02")
	}
	return out + modified + ")"
}
