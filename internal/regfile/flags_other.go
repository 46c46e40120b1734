//go:build !unix

package regfile

// openFlags is 0 where the system has no O_NONBLOCK; the type check before opening still refuses
// special files.
const openFlags = 0
