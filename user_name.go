package main

import (
	"os"
	"os/user"

	"github.com/threatdeck/threatdeck/model"
)

// localUser is who a session on this machine is attributed to: the OS
// user's login name ($USER when the user database cannot say), cleaned to
// one line.
func localUser() string {
	name := ""
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		name = os.Getenv("USER")
	}
	return model.CleanLine(name)
}
