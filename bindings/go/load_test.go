package lexactivator

import (
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

// The documented lookup order: $OPENLEX_LIBRARY, else $LEXACTIVATOR_LIBRARY_PATH (file or
// directory), else next to the executable, else the bare name for the system loader.
func TestLibraryCandidatesOrder(t *testing.T) {
	name := defaultLibraryName()
	dir := t.TempDir()

	t.Setenv(EnvLibrary, "/opt/x/"+name)
	t.Setenv(EnvLibraryPath, dir)
	if got := LibraryCandidates(); !reflect.DeepEqual(got, []string{"/opt/x/" + name}) {
		t.Fatalf("OPENLEX_LIBRARY first: got %v", got)
	}

	t.Setenv(EnvLibrary, "")
	if got := LibraryCandidates(); !reflect.DeepEqual(got, []string{filepath.Join(dir, name)}) {
		t.Fatalf("LEXACTIVATOR_LIBRARY_PATH directory: got %v", got)
	}
	t.Setenv(EnvLibraryPath, filepath.Join(dir, "custom.so"))
	if got := LibraryCandidates(); !reflect.DeepEqual(got, []string{filepath.Join(dir, "custom.so")}) {
		t.Fatalf("LEXACTIVATOR_LIBRARY_PATH file: got %v", got)
	}

	t.Setenv(EnvLibraryPath, "")
	if got := LibraryCandidates(); !reflect.DeepEqual(got, []string{name}) {
		t.Fatalf("no variables, nothing beside the executable: got %v", got)
	}
	exe, err := os.Executable()
	if err != nil {
		t.Skip("os.Executable:", err)
	}
	if real, err := filepath.EvalSymlinks(exe); err == nil {
		exe = real
	}
	beside := filepath.Join(filepath.Dir(exe), name)
	if err := os.WriteFile(beside, nil, 0o644); err != nil {
		t.Skip("cannot write next to the test binary:", err)
	}
	defer os.Remove(beside)
	if got := LibraryCandidates(); !reflect.DeepEqual(got, []string{beside, name}) {
		t.Fatalf("next to the executable before the system search: got %v", got)
	}
}
