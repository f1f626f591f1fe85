package lexactivator

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"sync"
	"sync/atomic"

	"github.com/ebitengine/purego"
)

// Environment variables consulted by Load, in this order.
const (
	// EnvLibrary names the full path of the library to load (OpenLex).
	EnvLibrary = "OPENLEX_LIBRARY"
	// EnvLibraryPath is the variable the vendor's wrappers use for the same purpose.
	EnvLibraryPath = "LEXACTIVATOR_LIBRARY_PATH"
)

var (
	loadMu      sync.Mutex
	loaded      atomic.Bool
	loadedPath  string
	libHandle   uintptr
	missingSyms []string
)

// Load loads the LexActivator library and binds its functions. It is called
// implicitly by the first call of any function of this package, so calling it
// is optional; call it to learn why loading failed (every function returns
// LA_FAIL while the library is not loaded).
//
// The library is looked up in this order (LoadFrom takes an explicit path
// instead):
//  1. $OPENLEX_LIBRARY (full path of the library);
//  2. else $LEXACTIVATOR_LIBRARY_PATH (a full path, or a directory holding the library);
//  3. else the library next to the running executable;
//  4. else "libLexActivator.so" (Linux), "libLexActivator.dylib" (macOS) or
//     "LexActivator.dll" (Windows) through the system loader's search path
//     (LD_LIBRARY_PATH, DYLD_LIBRARY_PATH, PATH, the system library directories).
//
// A set variable (1 or 2) that names no loadable file is an error, not a reason
// to load a different library. LibraryPath reports the file that was loaded.
// A failed Load may be retried (for example after fixing the environment).
// Load never panics.
func Load() error {
	return load("")
}

// LoadFrom loads the library from path instead of the locations Load uses.
// It returns an error if a library is already loaded from another path.
func LoadFrom(path string) error {
	if path == "" {
		return errors.New("lexactivator: LoadFrom: empty path")
	}
	return load(path)
}

// LibraryPath returns the path (or, for the system search, the bare file name)
// the library was loaded from, or "" while none is loaded.
func LibraryPath() string {
	if !loaded.Load() {
		return ""
	}
	return loadedPath
}

// MissingSymbols lists the exported names the loaded library lacks (for
// example an older vendor library); the functions bound to them return
// LA_FAIL. It is empty for a complete OpenLex library.
func MissingSymbols() []string {
	if !loaded.Load() {
		return nil
	}
	return append([]string(nil), missingSyms...)
}

// Symbols returns every C name this package binds (the names of exports.txt), sorted.
func Symbols() []string {
	names := make([]string, 0, len(symbolTable))
	for _, s := range symbolTable {
		names = append(names, s.name)
	}
	sort.Strings(names)
	return names
}

// LibraryCandidates returns the locations Load tries, in order (see Load).
func LibraryCandidates() []string {
	name := defaultLibraryName()
	if p := os.Getenv(EnvLibrary); p != "" {
		return []string{p}
	}
	if p := os.Getenv(EnvLibraryPath); p != "" {
		if fi, err := os.Stat(p); err == nil && fi.IsDir() {
			return []string{filepath.Join(p, name)}
		}
		return []string{p}
	}
	var paths []string
	if exe, err := os.Executable(); err == nil {
		if real, err := filepath.EvalSymlinks(exe); err == nil {
			exe = real
		}
		beside := filepath.Join(filepath.Dir(exe), name)
		if _, err := os.Stat(beside); err == nil {
			paths = append(paths, beside)
		}
	}
	return append(paths, name)
}

func load(path string) (err error) {
	if loaded.Load() {
		if path != "" && path != loadedPath {
			return fmt.Errorf("lexactivator: library already loaded from %q", loadedPath)
		}
		return nil
	}
	loadMu.Lock()
	defer loadMu.Unlock()
	if loaded.Load() {
		if path != "" && path != loadedPath {
			return fmt.Errorf("lexactivator: library already loaded from %q", loadedPath)
		}
		return nil
	}
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("lexactivator: loading the library failed: %v", r)
		}
	}()
	paths := []string{path}
	if path == "" {
		paths = LibraryCandidates()
	}
	var errs []error
	for _, p := range paths {
		h, oerr := openLibrary(p)
		if oerr != nil {
			errs = append(errs, fmt.Errorf("%s: %w", p, oerr))
			continue
		}
		missing, berr := bind(h)
		if berr != nil {
			return berr
		}
		libHandle, loadedPath, missingSyms = h, p, missing
		loaded.Store(true)
		return nil
	}
	return fmt.Errorf("lexactivator: cannot load the LexActivator library (set %s to its full path): %w",
		EnvLibrary, errors.Join(errs...))
}

// bind registers every symbol of symbolTable found in the library.
func bind(h uintptr) (missing []string, err error) {
	for _, s := range symbolTable {
		sym, lerr := lookupSymbol(h, s.name)
		if lerr != nil || sym == 0 {
			missing = append(missing, s.name)
			continue
		}
		if rerr := register(s.fptr, sym); rerr != nil {
			// Undo: a half-bound package must not look loaded.
			for _, t := range symbolTable {
				reflect.ValueOf(t.fptr).Elem().SetZero()
			}
			return nil, fmt.Errorf("lexactivator: binding %s: %w", s.name, rerr)
		}
	}
	return missing, nil
}

func register(fptr any, sym uintptr) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	purego.RegisterFunc(fptr, sym)
	return nil
}

// ready loads the library if needed and reports whether it is loaded.
func ready() bool {
	if loaded.Load() {
		return true
	}
	return load("") == nil
}
