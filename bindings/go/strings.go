package lexactivator

// Buffer sizes (in CHARTYPE units, NUL included) for the string getters. A
// getter starts with the default size and, while the library answers
// LA_E_BUFFER_SIZE, retries with a buffer four times larger, up to maxBufferSize.
const (
	defaultBufferSize = 256
	largeBufferSize   = 4096 // metadata values and JSON
	maxBufferSize     = 4 << 20
)

// getString calls f with growing buffers and returns the string and the status.
// The string is "" unless the status is LA_OK.
func getString(f func(buf *cchar, length uint32) int32, size int) (string, int) {
	if f == nil {
		return "", LA_FAIL
	}
	for {
		buf := make([]cchar, size)
		st := int(f(&buf[0], uint32(size)))
		if st == LA_E_BUFFER_SIZE && size < maxBufferSize {
			size *= 4
			continue
		}
		if st != LA_OK {
			return "", st
		}
		return fromBuf(buf), st
	}
}

// getStringOut is getString storing the string in *out (when out is not nil).
func getStringOut(f func(buf *cchar, length uint32) int32, size int, out *string) int {
	s, st := getString(f, size)
	if out != nil {
		*out = s
	}
	return st
}

// getKeyed is getString for the getters that take a key or name first.
func getKeyed(f func(key *cchar, buf *cchar, length uint32) int32, key string, size int, out *string) int {
	if f == nil {
		return getStringOut(nil, size, out)
	}
	k := toC(key)
	return getStringOut(func(buf *cchar, length uint32) int32 { return f(k, buf, length) }, size, out)
}
