//go:build !windows

package lexactivator

import "unsafe"

// cchar is the library's CHARTYPE: UTF-8 bytes on Unix.
type cchar = byte

// toC returns s as a NUL-terminated UTF-8 string. A string containing NUL is
// cut at the first NUL, as C would read it.
func toC(s string) *cchar {
	b := make([]byte, len(s)+1)
	copy(b, s)
	return &b[0]
}

// fromBuf returns the string in buf up to its first NUL.
func fromBuf(buf []cchar) string {
	for i, c := range buf {
		if c == 0 {
			return string(buf[:i])
		}
	}
	return string(buf)
}

// fromPtr copies the NUL-terminated string at p (owned by the library).
func fromPtr(p *cchar) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*cchar)(unsafe.Add(unsafe.Pointer(p), n)) != 0 {
		n++
	}
	return string(unsafe.Slice(p, n))
}
