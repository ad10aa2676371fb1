package tui

import (
	"image/color"
	"os"

	"charm.land/lipgloss/v2"
)

// Theme is the palette every style is built from. It is the only place in
// the TUI that names colours, so a screen asks for "Warning" or "Critical",
// never for a hex value.
type Theme struct {
	Text, Muted, Accent, AccentText  color.Color
	Border, Selected, SelectedText   color.Color
	Success, Warning, Error          color.Color
	Low, Medium, High, Critical      color.Color
	BadgeText, TabText, TabActiveBg  color.Color
	HeaderBg, HeaderText, HelpKey    color.Color
	HelpDesc, FieldFocus, FieldLabel color.Color

	// NoColor is set when colour is off: styles then use bold, reverse
	// and underline so focus and selection stay visible.
	NoColor bool
	// HighContrast is the presenter palette: pure black/white with
	// saturated accents, readable on a washed-out projector.
	HighContrast bool
}

// ThemeOptions selects a theme variant.
type ThemeOptions struct {
	Dark         bool
	NoColor      bool
	HighContrast bool
}

// NewTheme builds the palette for a light or dark terminal. Colours come
// in light/dark pairs chosen with lipgloss.LightDark once the terminal has
// reported its background (tea.BackgroundColorMsg).
func NewTheme(o ThemeOptions) Theme {
	if o.NoColor {
		nc := lipgloss.NoColor{}
		return Theme{
			Text: nc, Muted: nc, Accent: nc, AccentText: nc, Border: nc, Selected: nc, SelectedText: nc,
			Success: nc, Warning: nc, Error: nc, Low: nc, Medium: nc, High: nc, Critical: nc,
			BadgeText: nc, TabText: nc, TabActiveBg: nc, HeaderBg: nc, HeaderText: nc, HelpKey: nc,
			HelpDesc: nc, FieldFocus: nc, FieldLabel: nc,
			NoColor: true, HighContrast: o.HighContrast,
		}
	}
	ld := lipgloss.LightDark(o.Dark)
	c := lipgloss.Color
	if o.HighContrast {
		return Theme{
			Text:         ld(c("#000000"), c("#ffffff")),
			Muted:        ld(c("#303030"), c("#d0d0d0")),
			Accent:       ld(c("#0000d7"), c("#5fd7ff")),
			AccentText:   ld(c("#ffffff"), c("#000000")),
			Border:       ld(c("#000000"), c("#ffffff")),
			Selected:     ld(c("#0000d7"), c("#ffff00")),
			SelectedText: ld(c("#ffffff"), c("#000000")),
			Success:      ld(c("#005f00"), c("#00ff00")),
			Warning:      ld(c("#875f00"), c("#ffd700")),
			Error:        ld(c("#af0000"), c("#ff5f5f")),
			Low:          ld(c("#005f00"), c("#00ff00")),
			Medium:       ld(c("#875f00"), c("#ffd700")),
			High:         ld(c("#af5f00"), c("#ff8700")),
			Critical:     ld(c("#af0000"), c("#ff0000")),
			BadgeText:    ld(c("#ffffff"), c("#000000")),
			TabText:      ld(c("#000000"), c("#ffffff")),
			TabActiveBg:  ld(c("#0000d7"), c("#ffff00")),
			HeaderBg:     ld(c("#000000"), c("#ffffff")),
			HeaderText:   ld(c("#ffffff"), c("#000000")),
			HelpKey:      ld(c("#000000"), c("#ffffff")),
			HelpDesc:     ld(c("#303030"), c("#d0d0d0")),
			FieldFocus:   ld(c("#0000d7"), c("#ffff00")),
			FieldLabel:   ld(c("#000000"), c("#ffffff")),
			HighContrast: true,
		}
	}
	return Theme{
		Text:         ld(c("#1c1c1c"), c("#e4e4e4")),
		Muted:        ld(c("#6c6c6c"), c("#8a8a8a")),
		Accent:       ld(c("#5f3fd7"), c("#af87ff")),
		AccentText:   ld(c("#ffffff"), c("#1c1c1c")),
		Border:       ld(c("#bcbcbc"), c("#4e4e4e")),
		Selected:     ld(c("#e4dcff"), c("#3a3060")),
		SelectedText: ld(c("#1c1c1c"), c("#ffffff")),
		Success:      ld(c("#2e7d32"), c("#87d787")),
		Warning:      ld(c("#b26a00"), c("#ffc857")),
		Error:        ld(c("#c62828"), c("#ff6b6b")),
		Low:          ld(c("#2e7d32"), c("#5faf5f")),
		Medium:       ld(c("#b8860b"), c("#d7af00")),
		High:         ld(c("#d45d00"), c("#ff8700")),
		Critical:     ld(c("#b71c1c"), c("#ff3b3b")),
		BadgeText:    ld(c("#ffffff"), c("#101010")),
		TabText:      ld(c("#444444"), c("#bcbcbc")),
		TabActiveBg:  ld(c("#5f3fd7"), c("#af87ff")),
		HeaderBg:     ld(c("#ece8ff"), c("#26213d")),
		HeaderText:   ld(c("#1c1c1c"), c("#e4e4e4")),
		HelpKey:      ld(c("#4e4e4e"), c("#bcbcbc")),
		HelpDesc:     ld(c("#8a8a8a"), c("#6c6c6c")),
		FieldFocus:   ld(c("#5f3fd7"), c("#af87ff")),
		FieldLabel:   ld(c("#444444"), c("#bcbcbc")),
	}
}

// noColorEnv reports whether the user asked for no colour (https://no-color.org:
// any non-empty NO_COLOR).
func noColorEnv() bool { return os.Getenv("NO_COLOR") != "" }
