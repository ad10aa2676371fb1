package tui

import (
	"os"
	"os/signal"
	"syscall"

	tea "charm.land/bubbletea/v2"
)

// quitOnHangup ends p the way q does when its terminal goes away — the
// window closed, the SSH connection to the machine dropped, tmux killed.
// Without it SIGHUP's default action kills the process on the spot: the
// edit still being written is lost and the live session's socket is left
// behind for the next threatdeck to clear. Bubble Tea itself handles only
// SIGINT and SIGTERM. Under nohup SIGHUP stays ignored, as asked. The
// returned stop ends the watch.
func quitOnHangup(p *tea.Program) (stop func()) {
	if signal.Ignored(syscall.SIGHUP) {
		return func() {}
	}
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	done := make(chan struct{})
	go func() {
		select {
		case <-hup:
			p.Quit()
		case <-done:
		}
	}()
	return func() {
		signal.Stop(hup)
		close(done)
	}
}
