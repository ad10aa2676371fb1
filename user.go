package main

import (
	"os"
	"os/user"

	"github.com/threatdeck/threatdeck/model"
)

// localUser is the name the workbook's history records for edits made
// here (as opposed to a live session's participants): the OS account
// name, else $USER, else "".
func localUser() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return model.CleanLine(u.Username)
	}
	return model.CleanLine(os.Getenv("USER"))
}
