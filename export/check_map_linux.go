package export

import "syscall"

// mapPopulate is mapFile's MAP_POPULATE on Linux.
const mapPopulate = syscall.MAP_POPULATE
