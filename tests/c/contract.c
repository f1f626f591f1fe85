/* C-side contract test: compiles against include/ with -std=c99 -Wall -Wextra -Werror
 * (and as C++), links libLexActivator, and checks local behaviour from C, including
 * NULL and buffer handling. Run under valgrind and ASan by scripts/test.sh.
 * Usage: contract <writable-dir>
 * On Windows (mingw, run under Wine in scripts/platforms.sh) CHARTYPE is wchar_t: string
 * literals go through T() and the directory argument is widened; the checks are the same. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "LexActivator.h"

#ifdef _WIN32
#include <wchar.h>
#include <windows.h>
#define T(s) L##s
#define TSTRCHR wcschr
/* Release, UserLicense and DataStoreInfo with 2-byte CHARTYPE. */
#define SIZEOF_RELEASE 94340
#define SIZEOF_USERLICENSE 871448
#define SIZEOF_DATASTOREINFO 3076
#else
#define T(s) s
#define TSTRCHR strchr
#define SIZEOF_RELEASE 47236
#define SIZEOF_USERLICENSE 435736
#define SIZEOF_DATASTOREINFO 1540
#endif
#define UNITS(a) ((uint32_t)(sizeof(a) / sizeof((a)[0])))

static int failures = 0, passes = 0;

#define CHECK(expr, want) do { \
    int got_ = (expr); \
    if (got_ != (want)) { fprintf(stderr, "FAIL %s:%d: %s = %d, want %d\n", __FILE__, __LINE__, #expr, got_, (want)); failures++; } \
    else { passes++; } \
} while (0)

int main(int argc, char **argv) {
    CHARTYPE buf[256];
    CHARTYPE small[4];
    uint32_t u = 0;
    int64_t i = 0;
    unsigned k;
#ifdef _WIN32
    /* argv is in the ANSI code page. */
    static wchar_t dir[1024];
    if (MultiByteToWideChar(CP_ACP, 0, argc > 1 ? argv[1] : ".", -1, dir, (int)UNITS(dir)) == 0) {
        fprintf(stderr, "bad directory argument\n");
        return 2;
    }
#else
    const char *dir = argc > 1 ? argv[1] : ".";
#endif

    CHECK(GetLibraryVersion(NULL, 10), LA_FAIL);
    for (k = 0; k < UNITS(small); k++) {
        small[k] = 'x';
    }
    CHECK(GetLibraryVersion(small, UNITS(small)), LA_E_BUFFER_SIZE);
    CHECK(small[0] == 'x' && small[3] == 'x', 1);
    CHECK(GetLibraryVersion(buf, UNITS(buf)), LA_OK);
    CHECK(TSTRCHR(buf, '.') != NULL, 1);

    CHECK(IsLicenseGenuine(), LA_E_PRODUCT_ID);
    CHECK(ActivateLicense(), LA_E_LICENSE_KEY);
    CHECK(SetProductData(T("garbage")), LA_E_PRODUCT_DATA);
    CHECK(SetProductData(NULL), LA_E_PRODUCT_DATA);
    CHECK(SetLicenseKey(NULL), LA_E_LICENSE_KEY);
    CHECK(GetLicenseKey(NULL, 0), LA_E_PRODUCT_ID);
    CHECK(SetDataDirectory(T("/nonexistent/openlex")), LA_E_FILE_PERMISSION);
    CHECK(SetDataDirectory(dir), LA_OK);
    CHECK(GetLicenseExpiryDate(&u), LA_FAIL);
    CHECK(GetLicenseAllowedActivations(NULL), LA_FAIL);
    CHECK(GetLicenseAllowedActivations(&i), LA_FAIL);
    CHECK(SetLicenseCallback(NULL), LA_E_PRODUCT_ID);
    CHECK(Reset(), LA_OK);
    CHECK(SetProductKey(T("ABCDEFGHIJ")), LA_E_PRODUCT_ID);

    {
        DataStoreInfo info;
        CHECK(GetDataStoreInfo(&info), LA_E_PRODUCT_ID);
        CHECK(GetDataStoreInfo(NULL), LA_E_PRODUCT_ID);
    }
    CHECK(LA_RELEASE_NO_UPDATE_AVAILABLE, LA_RELEASE_UPDATE_NOT_AVAILABLE);
    CHECK((int)sizeof(Release), SIZEOF_RELEASE);
    CHECK((int)sizeof(UserLicense), SIZEOF_USERLICENSE);
    CHECK((int)sizeof(DataStoreInfo), SIZEOF_DATASTOREINFO);

    printf("%d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
