package lexactivator

import (
	"encoding/json"
	"fmt"
	"os"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/ebitengine/purego"
)

// purego.NewCallback trampolines are never freed and limited in number, so
// each kind is created once and dispatches to the Go function registered last
// (or, for CheckReleaseUpdate, to the function registered for that call,
// identified by the userData token the library passes back).
var (
	cbOnce sync.Once
	cbErr  error

	licenseTrampoline       uintptr
	legacyReleaseTrampoline uintptr
	releaseJSONTrampoline   uintptr

	licenseCallback       atomic.Pointer[func(int)]
	legacyReleaseCallback atomic.Pointer[func(int)]

	releaseCalls   sync.Map // token (uintptr) -> *releaseCall
	releaseCounter atomic.Uintptr
)

type releaseCall struct {
	fn       func(int, *Release, interface{})
	userData interface{}
}

func makeTrampolines() error {
	cbOnce.Do(func() {
		defer func() {
			if r := recover(); r != nil {
				cbErr = fmt.Errorf("lexactivator: purego.NewCallback: %v", r)
			}
		}()
		// The C callbacks return void; the uintptr result and the uintptr-sized
		// status (its low 32 bits hold the C int) are what Windows' NewCallback
		// requires, and are harmless under the System V and AAPCS ABIs.
		licenseTrampoline = purego.NewCallback(func(status uintptr) uintptr {
			if f := licenseCallback.Load(); f != nil {
				runCallback("license", func() { (*f)(int(int32(uint32(status)))) })
			}
			return 0
		})
		legacyReleaseTrampoline = purego.NewCallback(func(status uintptr) uintptr {
			if f := legacyReleaseCallback.Load(); f != nil {
				runCallback("release update", func() { (*f)(int(int32(uint32(status)))) })
			}
			return 0
		})
		releaseJSONTrampoline = purego.NewCallback(func(status uintptr, releaseJSON *cchar, userData uintptr) uintptr {
			v, ok := releaseCalls.LoadAndDelete(userData)
			if !ok {
				return 0
			}
			call := v.(*releaseCall)
			var release *Release
			if s := strings.TrimSpace(fromPtr(releaseJSON)); s != "" {
				r := &Release{}
				if json.Unmarshal([]byte(s), r) == nil {
					release = r
				}
			}
			runCallback("release update", func() { call.fn(int(int32(uint32(status))), release, call.userData) })
			return 0
		})
	})
	return cbErr
}

// runCallback runs a user callback on the library's thread. A panic must not
// unwind into C (it would abort the process from a foreign thread), so it is
// reported on stderr and dropped.
func runCallback(kind string, f func()) {
	defer func() {
		if r := recover(); r != nil {
			fmt.Fprintf(os.Stderr, "lexactivator: panic in %s callback: %v\n", kind, r)
		}
	}()
	f()
}

// SetLicenseCallback sets the function called after each background server
// sync (started by IsLicenseGenuine or ActivateLicense) with LA_OK,
// LA_EXPIRED, LA_SUSPENDED, LA_E_REVOKED, LA_E_ACTIVATION_NOT_FOUND,
// LA_E_MACHINE_FINGERPRINT, LA_E_INET, LA_E_SERVER, ... . It runs on a
// library thread, not on the goroutine that registered it; it may call any
// function of this package. nil unregisters it.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY.
func SetLicenseCallback(callbackFunction func(int)) int {
	if !ready() || cSetLicenseCallback == nil {
		return LA_FAIL
	}
	if callbackFunction == nil {
		st := int(cSetLicenseCallback(0))
		if st == LA_OK {
			licenseCallback.Store(nil)
		}
		return st
	}
	if makeTrampolines() != nil {
		return LA_FAIL
	}
	prev := licenseCallback.Swap(&callbackFunction)
	st := int(cSetLicenseCallback(licenseTrampoline))
	if st != LA_OK {
		licenseCallback.Store(prev)
	}
	return st
}

// CheckReleaseUpdate checks whether a newer release is available for the
// version, platform and channel set with SetReleaseVersion,
// SetReleasePlatform and SetReleaseChannel. It returns at once; the callback
// runs later on a library thread with LA_RELEASE_UPDATE_AVAILABLE,
// LA_RELEASE_UPDATE_NOT_AVAILABLE, LA_RELEASE_UPDATE_AVAILABLE_NOT_ALLOWED (or
// an error status), the release (nil if none) and userData.
//
// releaseFlags: LA_RELEASES_ALL or LA_RELEASES_ALLOWED.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY, LA_E_RELEASE_VERSION_FORMAT,
// LA_E_RELEASE_VERSION, LA_E_RELEASE_PLATFORM, LA_E_RELEASE_CHANNEL.
func CheckReleaseUpdate(releaseUpdateCallbackFunction func(int, *Release, interface{}), releaseFlags uint, userData interface{}) int {
	if !ready() || cCheckReleaseUpdateInternal == nil || releaseUpdateCallbackFunction == nil {
		return LA_FAIL
	}
	if makeTrampolines() != nil {
		return LA_FAIL
	}
	token := releaseCounter.Add(1)
	releaseCalls.Store(token, &releaseCall{fn: releaseUpdateCallbackFunction, userData: userData})
	st := int(cCheckReleaseUpdateInternal(releaseJSONTrampoline, uint32(releaseFlags), token))
	if st != LA_OK {
		releaseCalls.Delete(token)
	}
	return st
}

// CheckForReleaseUpdate checks whether a new release is available (the
// callback gets only the status).
//
// Deprecated: use CheckReleaseUpdate.
//
// Return codes: LA_OK, LA_E_PRODUCT_ID, LA_E_LICENSE_KEY, LA_E_RELEASE_VERSION_FORMAT.
func CheckForReleaseUpdate(platform string, version string, channel string, callbackFunction func(int)) int {
	if !ready() || cCheckForReleaseUpdate == nil || callbackFunction == nil {
		return LA_FAIL
	}
	if makeTrampolines() != nil {
		return LA_FAIL
	}
	legacyReleaseCallback.Store(&callbackFunction)
	return int(cCheckForReleaseUpdate(toC(platform), toC(version), toC(channel), legacyReleaseTrampoline))
}
