package store

import "syscall"

// populate asks Linux to map the whole file in one call instead of
// faulting it in page by page as the check walks it: the check touches
// every page anyway. Opening a 16 MB workbook whose pages are cached
// took 3.7 ms instead of 4.8.
const populate = syscall.MAP_POPULATE
