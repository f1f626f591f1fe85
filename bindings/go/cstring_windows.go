//go:build windows

package lexactivator

import (
	"unicode/utf16"
	"unsafe"
)

// cchar is the library's CHARTYPE: wchar_t (UTF-16) on Windows.
type cchar = uint16

// toC returns s as a NUL-terminated UTF-16 string, cut at the first NUL.
func toC(s string) *cchar {
	u := utf16.Encode([]rune(s))
	b := make([]uint16, len(u)+1)
	copy(b, u)
	return &b[0]
}

// fromBuf returns the string in buf up to its first NUL.
func fromBuf(buf []cchar) string {
	for i, c := range buf {
		if c == 0 {
			return string(utf16.Decode(buf[:i]))
		}
	}
	return string(utf16.Decode(buf))
}

// fromPtr copies the NUL-terminated UTF-16 string at p (owned by the library).
func fromPtr(p *cchar) string {
	if p == nil {
		return ""
	}
	n := 0
	for *(*cchar)(unsafe.Add(unsafe.Pointer(p), n*2)) != 0 {
		n++
	}
	return string(utf16.Decode(unsafe.Slice(p, n)))
}
