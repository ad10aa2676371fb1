// Package live shares one workbook between several threatdeck sessions.
//
// The process that opens a workbook for writing (the TUI, or `threatdeck
// serve`) is its Host: it alone holds the store, applies every edit in one
// transaction, serially, and broadcasts each committed edit, in one order,
// to every member. In-process members (the host's own TUI, each SSH
// session) come from Host.Join; other threatdeck processes on the same
// machine reach the host through a Unix socket beside the workbook with a
// Client. Clients never touch bbolt.
//
// The socket speaks newline-delimited JSON frames: a hello carrying the
// protocol version first, then requests answered by id, and, for joined
// clients, events. Every frame is bounded; a malformed or oversized one
// closes that connection only.
package live
