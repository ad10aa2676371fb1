package tui

import "strings"

// pasteLines turns the line breaks of pasted text into "\n". Terminals
// send a paste's line breaks as carriage returns (xterm, tmux and most
// others translate LF to CR), and model.CleanText drops a lone CR as a
// control character, so without this a pasted paragraph's lines would run
// together ("line oneline two").
func pasteLines(s string) string {
	if !strings.ContainsRune(s, '\r') {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
