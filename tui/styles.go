package tui

import (
	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"

	"github.com/threatdeck/threatdeck/model"
)

// Styles is every style the TUI draws with, named for what it means rather
// than how it looks. Screens take styles from here only; the palette lives
// in Theme.
type Styles struct {
	Theme Theme

	// Frame.
	Header, Title, Subtitle lipgloss.Style
	// Presence is the header's "who is here" segment.
	Presence                lipgloss.Style
	Tab, TabActive, TabDone lipgloss.Style
	Help                    help.Styles
	Status                  lipgloss.Style

	// Text roles.
	Text, Muted, Bold, Key          lipgloss.Style
	Error, Warning, Success, Info   lipgloss.Style
	Heading, Section, Placeholder   lipgloss.Style
	Timer, TimerAmber, TimerRed     lipgloss.Style
	TimerPaused                     lipgloss.Style
	Progress, ProgressDone          lipgloss.Style
	Selected, Cursor, Row, RowMuted lipgloss.Style
	Match                           lipgloss.Style

	// The report preview's text and tables (see markdown.go).
	Emphasis, Strike, Code            lipgloss.Style
	TableCell, TableHead, TableBorder lipgloss.Style

	// Containers.
	Border, Panel, Overlay, Dialog lipgloss.Style

	// Risk bands as badges (coloured background) and as plain text.
	BadgeLow, BadgeMedium, BadgeHigh, BadgeCritical lipgloss.Style

	// Forms.
	FieldLabel, FieldLabelFocused lipgloss.Style
	FieldInput, FieldFocused      lipgloss.Style
	FieldError, FieldHint         lipgloss.Style
	Option, OptionSelected        lipgloss.Style

	Glyphs Glyphs
}

// Glyphs are the symbols drawn for marks and pointers. Accessible mode and
// NO_COLOR terminals get ASCII so screen readers and dumb terminals read
// them sensibly.
type Glyphs struct {
	Pointer, Done, Todo, Partial, Bullet  string
	Checked, Unchecked, RadioOn, RadioOff string
	Ellipsis, Separator, Up, Down         string
	Running, Paused                       string
	// Lead marks the facilitator in the header's presence list.
	Lead   string
	Border lipgloss.Border
}

func unicodeGlyphs() Glyphs {
	return Glyphs{Pointer: "›", Done: "✓", Todo: "·", Partial: "◐", Bullet: "•",
		Checked: "[x]", Unchecked: "[ ]", RadioOn: "(•)", RadioOff: "( )",
		Ellipsis: "…", Separator: " • ", Up: "↑", Down: "↓", Running: "▶", Paused: "⏸", Lead: "★", Border: lipgloss.RoundedBorder()}
}

func asciiGlyphs() Glyphs {
	return Glyphs{Pointer: ">", Done: "+", Todo: "-", Partial: "~", Bullet: "*",
		Checked: "[x]", Unchecked: "[ ]", RadioOn: "(*)", RadioOff: "( )",
		Ellipsis: "...", Separator: " | ", Up: "^", Down: "v", Running: "running", Paused: "paused", Lead: "*", Border: lipgloss.ASCIIBorder()}
}

// NewStyles builds the style set from a theme. ascii selects plain glyphs
// and borders (accessible mode).
func NewStyles(t Theme, ascii bool) Styles {
	s := Styles{Theme: t}
	ns := lipgloss.NewStyle
	s.Glyphs = unicodeGlyphs()
	if ascii {
		s.Glyphs = asciiGlyphs()
	}

	s.Text = ns().Foreground(t.Text)
	s.Muted = ns().Foreground(t.Muted)
	s.Bold = ns().Bold(true)
	s.Key = ns().Foreground(t.Accent).Bold(true)
	s.Error = ns().Foreground(t.Error).Bold(true)
	s.Warning = ns().Foreground(t.Warning).Bold(true)
	s.Success = ns().Foreground(t.Success)
	s.Info = ns().Foreground(t.Accent)
	s.Heading = ns().Foreground(t.Accent).Bold(true)
	s.Section = ns().Foreground(t.Text).Bold(true).Underline(true)
	s.Placeholder = ns().Foreground(t.Muted).Italic(true)
	s.Match = ns().Foreground(t.Accent).Underline(true)
	s.Emphasis = ns().Italic(true)
	s.Strike = ns().Strikethrough(true)
	s.Code = ns().Foreground(t.Accent)
	s.TableCell = ns().Padding(0, 1)
	s.TableHead = s.TableCell.Bold(true)
	s.TableBorder = ns().Foreground(t.Border)

	s.Header = ns().Foreground(t.HeaderText).Background(t.HeaderBg)
	s.Title = ns().Foreground(t.HeaderText).Background(t.HeaderBg).Bold(true)
	s.Subtitle = ns().Foreground(t.Muted)
	s.Presence = ns().Foreground(t.HeaderText).Background(t.HeaderBg).Italic(true)
	s.Tab = ns().Foreground(t.TabText).Padding(0, 1)
	s.TabActive = ns().Foreground(t.AccentText).Background(t.TabActiveBg).Bold(true).Padding(0, 1)
	s.TabDone = ns().Foreground(t.Success)
	s.Status = ns().Foreground(t.Muted)

	s.Timer = ns().Foreground(t.HeaderText).Background(t.HeaderBg)
	s.TimerPaused = ns().Foreground(t.Muted).Background(t.HeaderBg)
	s.TimerAmber = ns().Foreground(t.BadgeText).Background(t.Warning).Bold(true)
	s.TimerRed = ns().Foreground(t.BadgeText).Background(t.Error).Bold(true)
	s.Progress = ns().Foreground(t.Warning)
	s.ProgressDone = ns().Foreground(t.Success)

	s.Row = ns().Foreground(t.Text)
	s.RowMuted = ns().Foreground(t.Muted)
	s.Selected = ns().Foreground(t.SelectedText).Background(t.Selected)
	s.Cursor = ns().Foreground(t.Accent).Bold(true)

	s.Border = ns().Border(s.Glyphs.Border).BorderForeground(t.Border)
	s.Panel = s.Border.Padding(0, 1)
	s.Overlay = ns().Border(s.Glyphs.Border).BorderForeground(t.Accent).Padding(0, 1)
	s.Dialog = s.Overlay.Padding(1, 2)

	badge := func(c lipgloss.Style) lipgloss.Style { return c.Foreground(t.BadgeText).Bold(true).Padding(0, 1) }
	s.BadgeLow = badge(ns().Background(t.Low))
	s.BadgeMedium = badge(ns().Background(t.Medium))
	s.BadgeHigh = badge(ns().Background(t.High))
	s.BadgeCritical = badge(ns().Background(t.Critical))

	s.FieldLabel = ns().Foreground(t.FieldLabel)
	s.FieldLabelFocused = ns().Foreground(t.FieldFocus).Bold(true)
	s.FieldInput = ns().Foreground(t.Text)
	s.FieldFocused = ns().Foreground(t.Text)
	s.FieldError = ns().Foreground(t.Error)
	s.FieldHint = ns().Foreground(t.Muted)
	s.Option = ns().Foreground(t.Text)
	s.OptionSelected = ns().Foreground(t.FieldFocus).Bold(true)

	s.Help = help.Styles{
		Ellipsis:       ns().Foreground(t.HelpDesc),
		ShortKey:       ns().Foreground(t.HelpKey).Bold(true),
		ShortDesc:      ns().Foreground(t.HelpDesc),
		ShortSeparator: ns().Foreground(t.HelpDesc),
		FullKey:        ns().Foreground(t.HelpKey).Bold(true),
		FullDesc:       ns().Foreground(t.HelpDesc),
		FullSeparator:  ns().Foreground(t.HelpDesc),
	}

	if t.NoColor {
		// Without colour, selection and emphasis must survive as
		// attributes, or the cursor disappears.
		s.Selected = ns().Reverse(true)
		s.TabActive = ns().Reverse(true).Bold(true).Padding(0, 1)
		s.Title = ns().Bold(true)
		s.TimerAmber = ns().Bold(true)
		s.TimerRed = ns().Bold(true).Reverse(true)
		s.BadgeLow = ns().Padding(0, 1)
		s.BadgeMedium = ns().Padding(0, 1)
		s.BadgeHigh = ns().Bold(true).Padding(0, 1)
		s.BadgeCritical = ns().Bold(true).Reverse(true).Padding(0, 1)
		s.FieldLabelFocused = ns().Bold(true).Underline(true)
	}
	if t.HighContrast {
		s.Tab = s.Tab.Padding(0, 2)
		s.TabActive = s.TabActive.Padding(0, 2)
		s.Muted = s.Text
		s.Status = s.Text
	}
	return s
}

// Badge is the style of a risk band's badge.
func (s Styles) Badge(b model.RiskBand) lipgloss.Style {
	switch b {
	case model.RiskCritical:
		return s.BadgeCritical
	case model.RiskHigh:
		return s.BadgeHigh
	case model.RiskMedium:
		return s.BadgeMedium
	}
	return s.BadgeLow
}

// RiskBadge draws a band as a badge, e.g. " HIGH 12 ". The label stays in
// the text so the band is readable without colour.
func (s Styles) RiskBadge(b model.RiskBand, score int) string {
	label := b.Label()
	if score > 0 {
		label = label + " " + itoa(score)
	}
	return s.Badge(b).Render(label)
}
