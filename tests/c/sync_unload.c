/* Reset and library unload while the background server-sync thread runs.
 * Loads libLexActivator with dlopen (nothing is linked at build time, so
 * dlclose really drops the last reference), activates against openlex-server,
 * starts the sync thread (IsLicenseGenuine; license sync interval 1 s), and:
 *   1. calls Reset while the sync thread runs, with a callback that calls getters;
 *   2. dlclose()s the library with the sync thread running, then keeps the
 *      process alive for a few seconds (a thread left running in unmapped code
 *      would crash here), and repeats the cycle.
 * Run under valgrind memcheck and ASan by tests/c/sync_unload.sh.
 * Usage: sync_unload <libLexActivator.so> <writable-dir>
 * Env: OPENLEX_SERVER_URL, OPENLEX_TEST_PRODUCT_DATA, OPENLEX_TEST_PRODUCT_ID,
 *      OPENLEX_TEST_LICENSE_KEY (and SSL_CERT_FILE for the server's CA). */
#define _POSIX_C_SOURCE 200809L
#include <dlfcn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "LexActivator.h"

typedef int (*str_fn)(CSTRTYPE);
typedef int (*id_fn)(CSTRTYPE, uint32_t);
typedef int (*void_fn)(void);
typedef int (*cb_fn)(CallbackType);
typedef int (*get_fn)(STRTYPE, uint32_t);

struct api {
    void *h;
    str_fn SetDataDirectory, SetProductData, SetCryptlexHost, SetLicenseKey;
    id_fn SetProductId;
    void_fn ActivateLicense, IsLicenseGenuine, Reset;
    cb_fn SetLicenseCallback;
    get_fn GetLicenseKey;
};

static int failures = 0;
static volatile int callbacks = 0;
static get_fn cb_getter = NULL;

#define CHECK(expr, want) do { \
    int got_ = (expr); \
    if (getenv("SYNC_UNLOAD_TRACE")) fprintf(stderr, "%s = %d\n", #expr, got_); \
    if (got_ != (want)) { fprintf(stderr, "FAIL %s:%d: %s = %d, want %d\n", __FILE__, __LINE__, #expr, got_, (want)); failures++; } \
} while (0)

static void sleep_ms(long ms) {
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    nanosleep(&ts, NULL);
}

static void on_license(uint32_t status) {
    char buf[256];
    (void)status;
    /* Getters must work from inside the callback. */
    if (cb_getter) (void)cb_getter(buf, sizeof buf);
    callbacks++;
}

static const char *env(const char *name) {
    const char *v = getenv(name);
    if (!v || !*v) { fprintf(stderr, "sync_unload: %s not set\n", name); exit(2); }
    return v;
}

#define SYM(a, name) do { *(void **)(&(a)->name) = dlsym((a)->h, #name); \
    if (!(a)->name) { fprintf(stderr, "dlsym %s: %s\n", #name, dlerror()); exit(2); } } while (0)

static void load(struct api *a, const char *lib) {
    memset(a, 0, sizeof *a);
    a->h = dlopen(lib, RTLD_NOW | RTLD_LOCAL);
    if (!a->h) { fprintf(stderr, "dlopen: %s\n", dlerror()); exit(2); }
    SYM(a, SetDataDirectory); SYM(a, SetProductData); SYM(a, SetCryptlexHost);
    SYM(a, SetLicenseKey); SYM(a, SetProductId); SYM(a, ActivateLicense);
    SYM(a, IsLicenseGenuine); SYM(a, Reset); SYM(a, SetLicenseCallback);
    SYM(a, GetLicenseKey);
}

static void setup(struct api *a, const char *dir) {
    CHECK(a->SetDataDirectory(dir), LA_OK);
    CHECK(a->SetProductData(env("OPENLEX_TEST_PRODUCT_DATA")), LA_OK);
    CHECK(a->SetProductId(env("OPENLEX_TEST_PRODUCT_ID"), LA_USER), LA_OK);
    CHECK(a->SetCryptlexHost(env("OPENLEX_SERVER_URL")), LA_OK);
    cb_getter = a->GetLicenseKey;
    CHECK(a->SetLicenseCallback(on_license), LA_OK);
}

/* Whether the library is still mapped (glibc keeps a DSO that registered
 * thread-local destructors loaded until those threads exit). */
static int still_mapped(void) {
    char line[4096];
    int found = 0;
    FILE *f = fopen("/proc/self/maps", "r");
    if (!f) return -1;
    while (fgets(line, sizeof line, f)) if (strstr(line, "libLexActivator")) found = 1;
    fclose(f);
    return found;
}

static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void wait_callbacks(int n) {
    int start = callbacks;
    for (int i = 0; i < 100 && callbacks - start < n; i++) sleep_ms(50);
    if (callbacks - start < n) { fprintf(stderr, "FAIL: no sync callback\n"); failures++; }
}

/* Under valgrind on a loaded machine a TLS round trip can hit the library's
 * network time bound (LA_E_INET); retry that, nothing else. */
static int activate(struct api *a) {
    int r = LA_E_INET;
    for (int i = 0; i < 4 && r == LA_E_INET; i++) r = a->ActivateLicense();
    return r;
}

int main(int argc, char **argv) {
    struct api a;
    double t0 = now_s();
    if (argc < 3) { fprintf(stderr, "usage: sync_unload <lib> <dir>\n"); return 2; }
    const char *lib = argv[1], *dir = argv[2];

    /* 1. Reset while the sync thread runs (and its callback calls getters). */
    load(&a, lib);
    setup(&a, dir);
    CHECK(a.SetLicenseKey(env("OPENLEX_TEST_LICENSE_KEY")), LA_OK);
    CHECK(activate(&a), LA_OK);
    for (int round = 0; round < 3; round++) {
        CHECK(a.IsLicenseGenuine(), LA_OK); /* starts the sync thread */
        wait_callbacks(1);
        sleep_ms(300 + 200 * round);
        CHECK(a.Reset(), LA_OK); /* also clears the stored activation */
        setup(&a, dir);
        CHECK(a.SetLicenseKey(env("OPENLEX_TEST_LICENSE_KEY")), LA_OK);
        CHECK(activate(&a), LA_OK);
    }
    CHECK(a.IsLicenseGenuine(), LA_OK);
    wait_callbacks(1);

    /* 2. Unload with the sync thread running, then load again (the activation
     * comes back from the store) and repeat. */
    for (int cycle = 0; cycle < 3; cycle++) {
        cb_getter = NULL;
        if (dlclose(a.h) != 0) { fprintf(stderr, "dlclose: %s\n", dlerror()); failures++; }
        sleep_ms(2500); /* a sync thread left in unmapped code would fault here */
        printf("sync_unload: after dlclose #%d the library is %s\n", cycle + 1,
               still_mapped() ? "still mapped" : "unmapped");
        load(&a, lib);
        setup(&a, dir);
        CHECK(a.IsLicenseGenuine(), LA_OK);
        wait_callbacks(1);
    }
    CHECK(a.Reset(), LA_OK);
    cb_getter = NULL;
    dlclose(a.h);

    if (failures) { fprintf(stderr, "sync_unload: %d failure(s)\n", failures); return 1; }
    printf("sync_unload: ok (%d sync callbacks, %.1f s)\n", callbacks, now_s() - t0);
    return 0;
}
