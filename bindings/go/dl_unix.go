//go:build !windows

package lexactivator

import (
	"runtime"

	"github.com/ebitengine/purego"
)

func defaultLibraryName() string {
	if runtime.GOOS == "darwin" || runtime.GOOS == "ios" {
		return "libLexActivator.dylib"
	}
	return "libLexActivator.so"
}

func openLibrary(path string) (uintptr, error) {
	return purego.Dlopen(path, purego.RTLD_NOW|purego.RTLD_LOCAL)
}

func lookupSymbol(handle uintptr, name string) (uintptr, error) {
	return purego.Dlsym(handle, name)
}
