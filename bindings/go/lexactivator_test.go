package lexactivator

import (
	"bufio"
	"bytes"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"runtime"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
	"unsafe"
)

// The server tests run against a real openlex-server started by
// scripts/with-server.sh (see ci.sh). They share one product, set up in TestMain.

const loadFailChildEnv = "OPENLEX_GO_TEST_LOADFAIL_CHILD"

var (
	origHome    string
	serverURL   string
	productID   string
	productData string
	dataDir     string
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	if os.Getenv(loadFailChildEnv) != "" {
		return m.Run()
	}
	if os.Getenv(EnvLibrary) == "" && os.Getenv(EnvLibraryPath) == "" {
		// Convenience for local runs: the library built in this repository.
		for _, dir := range []string{os.Getenv("OPENLEX_LIB_DIR"), filepath.Join("..", "..", "target", "debug")} {
			if dir == "" {
				continue
			}
			p, _ := filepath.Abs(filepath.Join(dir, defaultLibraryName()))
			if _, err := os.Stat(p); err == nil {
				os.Setenv(EnvLibrary, p)
				break
			}
		}
	}
	var err error
	dataDir, err = os.MkdirTemp("", "openlex-go-test-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dataDir)
	// Nothing of the library's default data store may land in the real home.
	origHome = os.Getenv("HOME")
	home := filepath.Join(dataDir, "home")
	os.MkdirAll(home, 0o700)
	os.Setenv("HOME", home)
	os.Setenv("XDG_DATA_HOME", filepath.Join(home, ".local", "share"))
	dataDir = filepath.Join(dataDir, "store")
	os.MkdirAll(dataDir, 0o700)

	serverURL = os.Getenv("OPENLEX_SERVER_URL")
	if serverURL != "" {
		if err := createProduct(); err != nil {
			fmt.Fprintln(os.Stderr, "creating the test product:", err)
			return 1
		}
		if err := setupProduct(); err != nil {
			fmt.Fprintln(os.Stderr, err, "; Load:", Load())
			return 1
		}
	}
	return m.Run()
}

func createProduct() error {
	out, err := serverCLI("product", "create", "--name", fmt.Sprintf("go-binding-%d", time.Now().UnixNano()), "--json")
	if err != nil {
		return err
	}
	var p struct {
		ID          string `json:"id"`
		ProductData string `json:"productData"`
	}
	if err := json.Unmarshal(out, &p); err != nil {
		return fmt.Errorf("product create output %q: %w", out, err)
	}
	productID, productData = p.ID, p.ProductData
	return nil
}

func setupProduct() error {
	// Reset returns the library to its just-loaded state, so the data
	// directory is set again too.
	if st := SetDataDirectory(dataDir); st != LA_OK {
		return fmt.Errorf("SetDataDirectory = %d", st)
	}
	if st := SetProductData(productData); st != LA_OK {
		return fmt.Errorf("SetProductData = %d", st)
	}
	if st := SetProductId(productID, LA_USER); st != LA_OK {
		return fmt.Errorf("SetProductId = %d", st)
	}
	if st := SetCryptlexHost(serverURL); st != LA_OK {
		return fmt.Errorf("SetCryptlexHost = %d", st)
	}
	return nil
}

func needServer(t *testing.T) {
	t.Helper()
	if serverURL == "" {
		t.Skip("OPENLEX_SERVER_URL is not set: run under scripts/with-server.sh (see bindings/go/ci.sh)")
	}
}

func needLibrary(t *testing.T) {
	t.Helper()
	if err := Load(); err != nil {
		t.Fatalf("Load: %v (set %s to the built libLexActivator)", err, EnvLibrary)
	}
}

// fresh clears activation data and sets the product up again.
func fresh(t *testing.T) {
	t.Helper()
	needServer(t)
	if st := Reset(); st != LA_OK {
		t.Fatalf("Reset = %d", st)
	}
	if err := setupProduct(); err != nil {
		t.Fatal(err)
	}
}

func serverCLI(args ...string) ([]byte, error) {
	bin, dir := os.Getenv("OPENLEX_SERVER_BIN"), os.Getenv("OPENLEX_SERVER_DIR")
	if bin == "" || dir == "" {
		return nil, fmt.Errorf("OPENLEX_SERVER_BIN / OPENLEX_SERVER_DIR not set")
	}
	cmd := exec.Command(bin, append([]string{"--data-dir", dir}, args...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("openlex-server %s: %v: %s", strings.Join(args, " "), err, stderr.String())
	}
	return out, nil
}

type license struct{ Key, ID string }

func createLicense(t *testing.T, extra ...string) license {
	t.Helper()
	out, err := serverCLI(append([]string{"license", "create", "--product-id", productID, "--json"}, extra...)...)
	if err != nil {
		t.Fatal(err)
	}
	var l struct {
		Key string `json:"key"`
		ID  string `json:"id"`
	}
	if err := json.Unmarshal(out, &l); err != nil || l.Key == "" {
		t.Fatalf("license create output %q: %v", out, err)
	}
	return license{l.Key, l.ID}
}

func adminRequest(t *testing.T, method, path string, body any) {
	t.Helper()
	pool := x509.NewCertPool()
	if pem, err := os.ReadFile(os.Getenv("SSL_CERT_FILE")); err == nil {
		pool.AppendCertsFromPEM(pem)
	}
	client := &http.Client{Timeout: 20 * time.Second, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool}}}
	b, _ := json.Marshal(body)
	req, err := http.NewRequest(method, strings.TrimRight(serverURL, "/")+path, bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+os.Getenv("OPENLEX_ADMIN_TOKEN"))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode/100 != 2 {
		var buf bytes.Buffer
		buf.ReadFrom(resp.Body)
		t.Fatalf("%s %s: %s %s", method, path, resp.Status, buf.String())
	}
}

func expect(t *testing.T, what string, got, want int) {
	t.Helper()
	if got != want {
		t.Fatalf("%s = %d, want %d", what, got, want)
	}
}

func activate(t *testing.T, l license) {
	t.Helper()
	expect(t, "SetLicenseKey", SetLicenseKey(l.Key), LA_OK)
	expect(t, "ActivateLicense", ActivateLicense(), LA_OK)
}

// charsToString reads a NUL-terminated char field of a struct filled by the library (char build).
func charsToString(b []byte) string {
	if i := bytes.IndexByte(b, 0); i >= 0 {
		b = b[:i]
	}
	return string(b)
}

// ---- Tests that need only the library ----

func TestExportsCoverage(t *testing.T) {
	f, err := os.Open(filepath.Join("..", "..", "exports.txt"))
	if err != nil {
		t.Fatalf("exports.txt: %v", err)
	}
	defer f.Close()
	var exports []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		exports = append(exports, line)
	}
	sort.Strings(exports)
	bound := Symbols()
	seen := map[string]bool{}
	for _, s := range symbolTable {
		if seen[s.name] {
			t.Errorf("symbol %s bound twice", s.name)
		}
		seen[s.name] = true
	}
	if !reflect.DeepEqual(exports, bound) {
		want := map[string]bool{}
		for _, e := range exports {
			want[e] = true
		}
		for _, e := range exports {
			if !seen[e] {
				t.Errorf("exported but not bound: %s", e)
			}
		}
		for _, b := range bound {
			if !want[b] {
				t.Errorf("bound but not exported: %s", b)
			}
		}
		t.Fatalf("binding covers %d names, exports.txt has %d", len(bound), len(exports))
	}

	needLibrary(t)
	if m := MissingSymbols(); len(m) != 0 {
		t.Fatalf("library %s lacks %v", LibraryPath(), m)
	}
	for _, s := range symbolTable {
		if reflect.ValueOf(s.fptr).Elem().IsNil() {
			t.Errorf("%s was not registered", s.name)
		}
	}
	t.Logf("%d symbols bound from %s", len(bound), LibraryPath())
}

func TestLibraryVersionAndBufferRetry(t *testing.T) {
	needLibrary(t)
	var version string
	expect(t, "GetLibraryVersion", GetLibraryVersion(&version), LA_OK)
	if version == "" || strings.ContainsRune(version, 0) {
		t.Fatalf("GetLibraryVersion = %q", version)
	}

	// The library answers LA_E_BUFFER_SIZE to a too small buffer and leaves it untouched ...
	small := []cchar{'#', '#'}
	expect(t, "GetLibraryVersion(buf, 2)", int(cGetLibraryVersion(&small[0], 2)), LA_E_BUFFER_SIZE)
	if small[0] != '#' || small[1] != '#' {
		t.Fatalf("buffer was written on LA_E_BUFFER_SIZE: %v", small)
	}
	// ... and getString retries with larger buffers until the value fits.
	var sizes []uint32
	got, st := getString(func(buf *cchar, length uint32) int32 {
		sizes = append(sizes, length)
		return cGetLibraryVersion(buf, length)
	}, 1)
	expect(t, "getString status", st, LA_OK)
	if got != version {
		t.Fatalf("retried GetLibraryVersion = %q, want %q", got, version)
	}
	if len(sizes) < 2 || sizes[0] != 1 || sizes[1] != 4 {
		t.Fatalf("buffer sizes tried = %v, want 1, 4, ...", sizes)
	}
	if need := uint32(len(version) + 1); sizes[len(sizes)-1] < need || sizes[len(sizes)-2] >= need {
		t.Fatalf("buffer sizes tried = %v for a %d-byte value", sizes, len(version))
	}
}

// TestLoadFailure runs this test binary again with a library path that does not
// exist: Load must return an error and every function LA_FAIL, without a panic.
func TestLoadFailure(t *testing.T) {
	cmd := exec.Command(os.Args[0], "-test.run=^TestLoadFailureChild$", "-test.v", "-test.count=1")
	cmd.Env = append(os.Environ(),
		loadFailChildEnv+"=1",
		EnvLibrary+"="+filepath.Join(t.TempDir(), "no-such-dir", defaultLibraryName()))
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("child failed: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "--- PASS: TestLoadFailureChild") {
		t.Fatalf("child did not run the check:\n%s", out)
	}
}

func TestLoadFailureChild(t *testing.T) {
	if os.Getenv(loadFailChildEnv) == "" {
		t.Skip("run by TestLoadFailure")
	}
	err := Load()
	if err == nil {
		t.Fatal("Load succeeded with a missing library")
	}
	if !strings.Contains(err.Error(), "no-such-dir") {
		t.Fatalf("Load error does not name the path: %v", err)
	}
	t.Logf("Load: %v", err)
	expect(t, "SetProductData", SetProductData("x"), LA_FAIL)
	expect(t, "ActivateLicense", ActivateLicense(), LA_FAIL)
	key := "unchanged"
	expect(t, "GetLicenseKey", GetLicenseKey(&key), LA_FAIL)
	if key != "" {
		t.Fatalf("GetLicenseKey wrote %q", key)
	}
	expect(t, "SetLicenseCallback", SetLicenseCallback(func(int) {}), LA_FAIL)
	if LibraryPath() != "" || MissingSymbols() != nil {
		t.Fatal("library reported as loaded")
	}
	if LoadFrom("") == nil {
		t.Fatal("LoadFrom(\"\") succeeded")
	}
}

// ---- Tests against the server ----

func TestProductDataAndId(t *testing.T) {
	fresh(t)
	var id, account string
	expect(t, "GetProductId", GetProductId(&id), LA_OK)
	if !strings.EqualFold(id, productID) {
		t.Fatalf("GetProductId = %q, want %q", id, productID)
	}
	expect(t, "GetAccountId", GetAccountId(&account), LA_OK)

	var info DataStoreInfo
	expect(t, "GetDataStoreInfo", GetDataStoreInfo(&info), LA_OK)
	if info.StorageKind != "file" || info.PermissionFlag != "la-user" || !info.IsCustomDataDirectory {
		t.Fatalf("GetDataStoreInfo = %+v", info)
	}
	if !strings.HasPrefix(info.Path, dataDir) {
		t.Fatalf("data store path %q is not under %q", info.Path, dataDir)
	}
	if runtime.GOOS != "windows" {
		var raw [1540]byte // DataStoreInfo, char build
		expect(t, "GetDataStoreInfo (struct)", int(cGetDataStoreInfo(unsafe.Pointer(&raw[0]))), LA_OK)
		if got := charsToString(raw[:256]); got != "file" {
			t.Fatalf("DataStoreInfo.storageKind = %q", got)
		}
	}

	expect(t, "SetProductId(bad flag)", SetProductId(productID, 9), LA_E_INVALID_PERMISSION_FLAG)
	expect(t, "SetProductId(not a GUID)", SetProductId("not-a-product-id", LA_USER), LA_E_PRODUCT_ID)
	expect(t, "SetProductData(garbage)", SetProductData("garbage"), LA_E_PRODUCT_DATA)
	fresh(t)
}

func TestActivateGettersDeactivate(t *testing.T) {
	fresh(t)
	l := createLicense(t,
		"--validity", "2592000",
		"--allowed-activations", "3",
		"--metadata", "tier=gold",
		"--meter-attribute", "api-calls=100",
		"--max-allowed-release-version", "9.9.9",
		"--extra-json", `{"organizationName":"Acme Corp","organizationAddress":{"addressLine1":"1 Main St","addressLine2":"","city":"Springfield","state":"IL","country":"US","postalCode":"62701"}}`)

	expect(t, "SetLicenseKey", SetLicenseKey(l.Key), LA_OK)
	big := strings.Repeat("x", 4096) // needs a 4097-unit buffer: the 4096 default must be retried
	expect(t, "SetActivationMetadata(big)", SetActivationMetadata("big", big), LA_OK)
	expect(t, "SetActivationMetadata(note)", SetActivationMetadata("note", "héllo wörld"), LA_OK)
	now := uint(time.Now().Unix())
	expect(t, "ActivateLicense", ActivateLicense(), LA_OK)
	expect(t, "IsLicenseGenuine", IsLicenseGenuine(), LA_OK)
	expect(t, "IsLicenseValid", IsLicenseValid(), LA_OK)

	var s string
	expect(t, "GetLicenseKey", GetLicenseKey(&s), LA_OK)
	if s != l.Key {
		t.Fatalf("GetLicenseKey = %q, want %q", s, l.Key)
	}
	expect(t, "GetLicenseType", GetLicenseType(&s), LA_OK)
	if s != "node-locked" {
		t.Fatalf("GetLicenseType = %q", s)
	}
	expect(t, "GetActivationId", GetActivationId(&s), LA_OK)
	if s == "" {
		t.Fatal("GetActivationId is empty")
	}
	var initial, current string
	expect(t, "GetActivationMode", GetActivationMode(&initial, &current), LA_OK)
	if initial != "online" || current != "online" {
		t.Fatalf("GetActivationMode = %q, %q", initial, current)
	}
	expect(t, "GetLicenseMaxAllowedReleaseVersion", GetLicenseMaxAllowedReleaseVersion(&s), LA_OK)
	if s != "9.9.9" {
		t.Fatalf("GetLicenseMaxAllowedReleaseVersion = %q", s)
	}

	var expiry, created uint
	expect(t, "GetLicenseExpiryDate", GetLicenseExpiryDate(&expiry), LA_OK)
	if expiry < now+2592000-120 || expiry > now+2592000+120 {
		t.Fatalf("GetLicenseExpiryDate = %d, want about %d", expiry, now+2592000)
	}
	expect(t, "GetLicenseCreationDate", GetLicenseCreationDate(&created), LA_OK)
	if created == 0 || created > now+60 {
		t.Fatalf("GetLicenseCreationDate = %d", created)
	}
	var allowed int64
	var total uint
	expect(t, "GetLicenseAllowedActivations", GetLicenseAllowedActivations(&allowed), LA_OK)
	expect(t, "GetLicenseTotalActivations", GetLicenseTotalActivations(&total), LA_OK)
	if allowed != 3 || total != 1 {
		t.Fatalf("allowed/total activations = %d/%d, want 3/1", allowed, total)
	}

	// Metadata.
	expect(t, "GetLicenseMetadata(tier)", GetLicenseMetadata("tier", &s), LA_OK)
	if s != "gold" {
		t.Fatalf("GetLicenseMetadata(tier) = %q", s)
	}
	expect(t, "GetLicenseMetadata(missing)", GetLicenseMetadata("missing", &s), LA_E_METADATA_KEY_NOT_FOUND)
	expect(t, "GetActivationMetadata(note)", GetActivationMetadata("note", &s), LA_OK)
	if s != "héllo wörld" {
		t.Fatalf("GetActivationMetadata(note) = %q", s)
	}
	expect(t, "GetActivationMetadata(big)", GetActivationMetadata("big", &s), LA_OK)
	if s != big {
		t.Fatalf("GetActivationMetadata(big) returned %d bytes, want %d", len(s), len(big))
	}

	// Meter attributes.
	var allowedUses int64
	var totalUses, grossUses uint64
	expect(t, "GetLicenseMeterAttribute", GetLicenseMeterAttribute("api-calls", &allowedUses, &totalUses, &grossUses), LA_OK)
	if allowedUses != 100 {
		t.Fatalf("allowed uses = %d", allowedUses)
	}
	expect(t, "IncrementActivationMeterAttributeUses", IncrementActivationMeterAttributeUses("api-calls", 3), LA_OK)
	var uses uint
	expect(t, "GetActivationMeterAttributeUses", GetActivationMeterAttributeUses("api-calls", &uses), LA_OK)
	if uses != 3 {
		t.Fatalf("activation uses = %d, want 3", uses)
	}
	expect(t, "GetLicenseMeterAttribute(missing)", GetLicenseMeterAttribute("nope", &allowedUses, &totalUses, &grossUses), LA_E_METER_ATTRIBUTE_NOT_FOUND)

	// Organization (JSON form and struct form).
	expect(t, "GetLicenseOrganizationName", GetLicenseOrganizationName(&s), LA_OK)
	if s != "Acme Corp" {
		t.Fatalf("GetLicenseOrganizationName = %q", s)
	}
	var addr OrganizationAddress
	expect(t, "GetLicenseOrganizationAddress", GetLicenseOrganizationAddress(&addr), LA_OK)
	if addr.City != "Springfield" || addr.PostalCode != "62701" {
		t.Fatalf("GetLicenseOrganizationAddress = %+v", addr)
	}
	if runtime.GOOS != "windows" {
		var raw [6 * 256]byte
		expect(t, "GetLicenseOrganizationAddress (struct)", int(cGetLicenseOrganizationAddress(unsafe.Pointer(&raw[0]))), LA_OK)
		if got := charsToString(raw[2*256 : 3*256]); got != "Springfield" {
			t.Fatalf("OrganizationAddress.city = %q", got)
		}
	}
	var features []FeatureEntitlement
	expect(t, "GetFeatureEntitlements", GetFeatureEntitlements(&features), LA_OK)
	if features == nil {
		t.Fatal("GetFeatureEntitlements left a nil slice")
	}

	// LookupLicense (JSON and struct forms).
	var info LicenseLookupInfo
	expect(t, "LookupLicense", LookupLicense(l.Key, &info), LA_OK)
	if info.Key != l.Key || info.Type != "node-locked" {
		t.Fatalf("LookupLicense = %+v", info)
	}
	if runtime.GOOS != "windows" {
		var raw [512]byte
		expect(t, "LookupLicense (struct)", int(cLookupLicense(toC(l.Key), unsafe.Pointer(&raw[0]))), LA_OK)
		if got := charsToString(raw[:256]); got != l.Key {
			t.Fatalf("LicenseLookupInfo.key = %q", got)
		}
	}

	expect(t, "SyncLicenseActivation", SyncLicenseActivation(), LA_OK)
	var synced uint
	expect(t, "GetActivationLastSyncedDate", GetActivationLastSyncedDate(&synced), LA_OK)
	if synced+60 < now {
		t.Fatalf("GetActivationLastSyncedDate = %d", synced)
	}

	expect(t, "DeactivateLicense", DeactivateLicense(), LA_OK)
	expect(t, "IsLicenseGenuine after deactivation", IsLicenseGenuine(), LA_FAIL)
	expect(t, "GetLicenseTotalActivations after deactivation", GetLicenseTotalActivations(&total), LA_FAIL)
}

func TestLicenseCallbackAndSuspension(t *testing.T) {
	fresh(t)
	l := createLicense(t, "--server-sync-interval", "1")

	type event struct{ status, tid int }
	events := make(chan event, 64)
	expect(t, "SetLicenseCallback", SetLicenseCallback(func(status int) {
		// Getters may be called from the callback (the library holds no lock).
		var key string
		GetLicenseKey(&key)
		if key != l.Key {
			status = -status - 1000
		}
		events <- event{status, osThreadID()}
	}), LA_OK)
	defer SetLicenseCallback(nil)

	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	myTid := osThreadID()

	activate(t, l)
	expect(t, "IsLicenseGenuine", IsLicenseGenuine(), LA_OK)

	waitFor := func(want int) event {
		t.Helper()
		deadline := time.After(30 * time.Second)
		for {
			select {
			case ev := <-events:
				if ev.status == want {
					return ev
				}
				t.Logf("license callback: %d (waiting for %d)", ev.status, want)
			case <-deadline:
				t.Fatalf("no license callback with status %d within 30s", want)
			}
		}
	}
	ev := waitFor(LA_OK)
	if myTid != 0 && ev.tid == myTid {
		t.Fatalf("license callback ran on the calling thread %d", myTid)
	}

	// Suspend on the server: the next background sync reports LA_SUSPENDED.
	adminRequest(t, http.MethodPatch, "/v3/licenses/"+l.ID, map[string]any{"suspended": true})
	waitFor(LA_SUSPENDED)
	expect(t, "IsLicenseGenuine after suspension", IsLicenseGenuine(), LA_SUSPENDED)
	expect(t, "SetLicenseCallback(nil)", SetLicenseCallback(nil), LA_OK)
	adminRequest(t, http.MethodPatch, "/v3/licenses/"+l.ID, map[string]any{"suspended": false})
	expect(t, "Reset", Reset(), LA_OK)
}

func TestLocalTrial(t *testing.T) {
	fresh(t)
	const day = 86500 // the vendor's (and OpenLex's) local-trial day
	now := uint(time.Now().Unix())
	expect(t, "ActivateLocalTrial", ActivateLocalTrial(10), LA_OK)
	expect(t, "IsLocalTrialGenuine", IsLocalTrialGenuine(), LA_OK)
	var expiry uint
	expect(t, "GetLocalTrialExpiryDate", GetLocalTrialExpiryDate(&expiry), LA_OK)
	if expiry < now+10*day-120 || expiry > now+10*day+120 {
		t.Fatalf("local trial expiry = %d, want about %d", expiry, now+10*day)
	}
	expect(t, "ExtendLocalTrial", ExtendLocalTrial(20), LA_OK)
	expect(t, "GetLocalTrialExpiryDate", GetLocalTrialExpiryDate(&expiry), LA_OK)
	if expiry < now+20*day-120 || expiry > now+20*day+120 {
		t.Fatalf("extended local trial expiry = %d, want about %d", expiry, now+20*day)
	}
	expect(t, "IsLocalTrialGenuine", IsLocalTrialGenuine(), LA_OK)
}

func TestErrorStatuses(t *testing.T) {
	fresh(t)
	var s string
	expect(t, "GetLicenseMetadata without activation", GetLicenseMetadata("tier", &s), LA_FAIL)
	expect(t, "IsLicenseGenuine without activation", IsLicenseGenuine(), LA_FAIL)
	expect(t, "SetLicenseKey(too short)", SetLicenseKey("abc"), LA_E_LICENSE_KEY)
	expect(t, "SetLicenseKey(unknown)", SetLicenseKey("UNKNOWN-0000-0000-0000-000000"), LA_OK)
	expect(t, "ActivateLicense(unknown key)", ActivateLicense(), LA_E_LICENSE_KEY)
	expect(t, "LookupLicense(unknown key)", LookupLicense("UNKNOWN-0000-0000-0000-000000", nil), LA_E_LICENSE_KEY)
	// A failed activation clears the key (as the vendor's library does).
	expect(t, "GetLicenseKey after failed activation", GetLicenseKey(&s), LA_OK)
	// SetProductId is all SetActivationMetadata needs, as in the vendor's library (docs/SETTERS.md).
	expect(t, "SetActivationMetadata without key", SetActivationMetadata("k", "v"), LA_OK)
	expect(t, "SetLicenseKey", SetLicenseKey("UNKNOWN-0000-0000-0000-000000"), LA_OK)
	expect(t, "SetActivationMetadata(empty key)", SetActivationMetadata("", "v"), LA_E_METADATA_KEY_LENGTH)
	expect(t, "SetReleaseVersion(bad)", SetReleaseVersion("one.two"), LA_E_RELEASE_VERSION_FORMAT)
	expect(t, "SetCustomDeviceFingerprint(short)", SetCustomDeviceFingerprint("short"), LA_E_CUSTOM_FINGERPRINT_LENGTH)
	expect(t, "SetCryptlexHost(bad)", SetCryptlexHost("not a url"), LA_E_HOST_URL)
	expect(t, "SetCryptlexHost", SetCryptlexHost(serverURL), LA_OK)
	var fe FeatureEntitlement
	expect(t, "GetFeatureEntitlement without activation", GetFeatureEntitlement("x", &fe), LA_FAIL)
}

func TestCheckReleaseUpdate(t *testing.T) {
	fresh(t)
	if _, err := serverCLI("release", "create", "--product-id", productID, "--version", "2.0.0",
		"--platform", "linux", "--channel", "stable", "--name", "Two", "--notes", "new",
		"--file-name", "app.tar.gz", "--file-url", "https://example.com/app.tar.gz"); err != nil {
		t.Fatal(err)
	}
	l := createLicense(t)
	activate(t, l)
	expect(t, "SetReleaseVersion", SetReleaseVersion("1.0.0"), LA_OK)
	expect(t, "SetReleasePlatform", SetReleasePlatform("linux"), LA_OK)
	expect(t, "SetReleaseChannel", SetReleaseChannel("stable"), LA_OK)

	type result struct {
		status   int
		release  *Release
		userData interface{}
	}
	// A panicking callback must not take the process down (it runs on a library thread).
	panicked := make(chan struct{})
	expect(t, "CheckReleaseUpdate(panicking callback)", CheckReleaseUpdate(func(int, *Release, interface{}) {
		close(panicked)
		panic("test panic in a release callback")
	}, LA_RELEASES_ALL, nil), LA_OK)
	select {
	case <-panicked:
	case <-time.After(30 * time.Second):
		t.Fatal("no release callback within 30s")
	}

	results := make(chan result, 1)
	expect(t, "CheckReleaseUpdate", CheckReleaseUpdate(func(status int, r *Release, ud interface{}) {
		results <- result{status, r, ud}
	}, LA_RELEASES_ALL, "my-data"), LA_OK)
	select {
	case r := <-results:
		if r.status != LA_RELEASE_UPDATE_AVAILABLE {
			t.Fatalf("release callback status = %d", r.status)
		}
		if r.release == nil || r.release.Version != "2.0.0" || r.release.Name != "Two" {
			t.Fatalf("release = %+v", r.release)
		}
		if len(r.release.Files) != 1 || r.release.Files[0].Name != "app.tar.gz" {
			t.Fatalf("release files = %+v", r.release.Files)
		}
		if r.userData != "my-data" {
			t.Fatalf("userData = %v", r.userData)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("no release callback within 30s")
	}

	legacy := make(chan int, 1)
	expect(t, "CheckForReleaseUpdate", CheckForReleaseUpdate("linux", "1.0.0", "stable", func(st int) { legacy <- st }), LA_OK)
	select {
	case st := <-legacy:
		expect(t, "CheckForReleaseUpdate callback", st, LA_RELEASE_UPDATE_AVAILABLE)
	case <-time.After(30 * time.Second):
		t.Fatal("no CheckForReleaseUpdate callback within 30s")
	}
	expect(t, "DeactivateLicense", DeactivateLicense(), LA_OK)
}

func TestAuthenticateUserAndUserLicenses(t *testing.T) {
	fresh(t)
	l := createLicense(t)
	email := fmt.Sprintf("user%d@example.com", time.Now().UnixNano())
	if _, err := serverCLI("user", "create", "--email", email, "--password", "s3cret-Passw0rd",
		"--name", "Test User", "--license-id", l.ID); err != nil {
		t.Fatal(err)
	}
	var licenses []UserLicense
	expect(t, "GetUserLicenses before AuthenticateUser", GetUserLicenses(&licenses), LA_E_USER_NOT_AUTHENTICATED)
	expect(t, "AuthenticateUser(wrong password)", AuthenticateUser(email, "wrong-password"), LA_E_AUTHENTICATION_FAILED)
	expect(t, "AuthenticateUser", AuthenticateUser(email, "s3cret-Passw0rd"), LA_OK)
	expect(t, "GetUserLicenses", GetUserLicenses(&licenses), LA_OK)
	if len(licenses) != 1 || licenses[0].Key != l.Key {
		t.Fatalf("GetUserLicenses = %+v", licenses)
	}
}

// TestExampleProgram builds examples/activate with CGO_ENABLED=0 and runs it
// against the server (the README shows the same program).
func TestExampleProgram(t *testing.T) {
	needServer(t)
	bin := filepath.Join(t.TempDir(), "activate")
	build := exec.Command("go", "build", "-buildvcs=false", "-o", bin, "./examples/activate")
	build.Env = append(os.Environ(), "CGO_ENABLED=0", "HOME="+origHome) // HOME: the Go build cache
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build ./examples/activate: %v\n%s", err, out)
	}
	l := createLicense(t)
	run := exec.Command(bin)
	run.Env = append(os.Environ(),
		"OPENLEX_PRODUCT_DATA="+productData,
		"OPENLEX_PRODUCT_ID="+productID,
		"OPENLEX_LICENSE_KEY="+l.Key,
		"OPENLEX_SERVER_URL="+serverURL)
	out, err := run.CombinedOutput()
	if err != nil {
		t.Fatalf("example: %v\n%s", err, out)
	}
	if !strings.Contains(string(out), "activated: key="+l.Key) {
		t.Fatalf("example output: %s", out)
	}
	// A second run finds the activation with IsLicenseGenuine.
	if out, err := run2(bin, run.Env); err != nil || !strings.Contains(out, "activated") {
		t.Fatalf("second run: %v\n%s", err, out)
	}
}

func run2(bin string, env []string) (string, error) {
	c := exec.Command(bin)
	c.Env = env
	out, err := c.CombinedOutput()
	return string(out), err
}

// TestConcurrentGetters calls getters from many goroutines at once.
func TestConcurrentGetters(t *testing.T) {
	needLibrary(t)
	var wg sync.WaitGroup
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; j < 50; j++ {
				var v, k string
				if st := GetLibraryVersion(&v); st != LA_OK || v == "" {
					t.Errorf("GetLibraryVersion = %d %q", st, v)
					return
				}
				GetLicenseKey(&k)
			}
		}()
	}
	wg.Wait()
}
