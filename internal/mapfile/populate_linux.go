package mapfile

import "syscall"

// populate asks Linux to map the whole file in one call instead of
// faulting it in page by page: the readers touch every page anyway.
// Opening a 16 MB workbook whose pages were cached took 3.7 ms instead of
// 4.8.
const populate = syscall.MAP_POPULATE
