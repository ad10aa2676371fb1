package store

import (
	"errors"
	"os"
	"path/filepath"
)

// EnvDB names the environment variable that overrides the workbook path.
const EnvDB = "THREATDECK_DB"

// DefaultPath returns where the workbook lives: $THREATDECK_DB, else
// $XDG_DATA_HOME/threatdeck/workbook.db, else
// ~/.local/share/threatdeck/workbook.db.
func DefaultPath() (string, error) {
	if p := os.Getenv(EnvDB); p != "" {
		return p, nil
	}
	// The XDG spec says relative values are invalid and must be ignored.
	if d := os.Getenv("XDG_DATA_HOME"); filepath.IsAbs(d) {
		return filepath.Join(d, "threatdeck", "workbook.db"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", errors.New("cannot find the home directory to keep the workbook in; set THREATDECK_DB to a file path")
	}
	return filepath.Join(home, ".local", "share", "threatdeck", "workbook.db"), nil
}
