/* C-side contract test: compiles against include/ with -std=c99 -Wall -Wextra -Werror
 * (and as C++), links libLexActivator, and checks local behaviour from C, including
 * NULL and buffer handling. Run under valgrind and ASan by scripts/test.sh.
 * Usage: contract <writable-dir> */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "LexActivator.h"

static int failures = 0, passes = 0;

#define CHECK(expr, want) do { \
    int got_ = (expr); \
    if (got_ != (want)) { fprintf(stderr, "FAIL %s:%d: %s = %d, want %d\n", __FILE__, __LINE__, #expr, got_, (want)); failures++; } \
    else { passes++; } \
} while (0)

int main(int argc, char **argv) {
    char buf[256];
    char small[4];
    uint32_t u = 0;
    int64_t i = 0;
    const char *dir = argc > 1 ? argv[1] : ".";

    CHECK(GetLibraryVersion(NULL, 10), LA_FAIL);
    memset(small, 'x', sizeof small);
    CHECK(GetLibraryVersion(small, sizeof small), LA_E_BUFFER_SIZE);
    CHECK(small[0] == 'x' && small[3] == 'x', 1);
    CHECK(GetLibraryVersion(buf, sizeof buf), LA_OK);
    CHECK(strchr(buf, '.') != NULL, 1);

    CHECK(IsLicenseGenuine(), LA_E_PRODUCT_ID);
    CHECK(ActivateLicense(), LA_E_LICENSE_KEY);
    CHECK(SetProductData("garbage"), LA_E_PRODUCT_DATA);
    CHECK(SetProductData(NULL), LA_E_PRODUCT_DATA);
    CHECK(SetLicenseKey(NULL), LA_E_LICENSE_KEY);
    CHECK(GetLicenseKey(NULL, 0), LA_E_PRODUCT_ID);
    CHECK(SetDataDirectory("/nonexistent/openlex"), LA_E_FILE_PERMISSION);
    CHECK(SetDataDirectory(dir), LA_OK);
    CHECK(GetLicenseExpiryDate(&u), LA_FAIL);
    CHECK(GetLicenseAllowedActivations(NULL), LA_FAIL);
    CHECK(GetLicenseAllowedActivations(&i), LA_FAIL);
    CHECK(SetLicenseCallback(NULL), LA_E_PRODUCT_ID);
    CHECK(Reset(), LA_OK);
    CHECK(SetProductKey("ABCDEFGHIJ"), LA_E_PRODUCT_ID);

    {
        DataStoreInfo info;
        CHECK(GetDataStoreInfo(&info), LA_E_PRODUCT_ID);
        CHECK(GetDataStoreInfo(NULL), LA_E_PRODUCT_ID);
    }
    CHECK(LA_RELEASE_NO_UPDATE_AVAILABLE, LA_RELEASE_UPDATE_NOT_AVAILABLE);
    CHECK((int)sizeof(Release), 47236);
    CHECK((int)sizeof(UserLicense), 435736);
    CHECK((int)sizeof(DataStoreInfo), 1540);

    printf("%d passed, %d failed\n", passes, failures);
    return failures ? 1 : 0;
}
