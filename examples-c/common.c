/* OpenLex C examples: shared configuration and status checking.
   SPDX-License-Identifier: MIT OR Apache-2.0 */
#include "common.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "LexActivator.h"
#include "status.h"

#ifdef _WIN32
#include <wchar.h>
#include <windows.h>
#include <shellapi.h>

/* Converted strings live in a small ring of slots, so a few may be in use at once (one
   call's arguments); each slot is freed when it is reused. */
#define SLOTS 8
static void *slots[SLOTS];
static unsigned next_slot;

static void *keep(void *p)
{
    if (p == NULL) {
        fprintf(stderr, "error: out of memory\n");
        exit(1);
    }
    free(slots[next_slot]);
    slots[next_slot] = p;
    next_slot = (next_slot + 1) % SLOTS;
    return p;
}

/* UTF-16 -> newly allocated UTF-8 (NULL on failure). */
static char *to_utf8(const wchar_t *w)
{
    int n = WideCharToMultiByte(CP_UTF8, 0, w, -1, NULL, 0, NULL, NULL);
    char *s = n > 0 ? (char *)malloc((size_t)n) : NULL;
    if (s != NULL && WideCharToMultiByte(CP_UTF8, 0, w, -1, s, n, NULL, NULL) != n) {
        free(s);
        s = NULL;
    }
    return s;
}

const CHARTYPE *la_str(const char *utf8)
{
    int n;
    wchar_t *w;
    if (utf8 == NULL) {
        return NULL;
    }
    n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, NULL, 0);
    if (n <= 0) {
        fprintf(stderr, "error: not valid UTF-8: %s\n", utf8);
        exit(2);
    }
    w = (wchar_t *)keep(malloc((size_t)n * sizeof(wchar_t)));
    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, utf8, -1, w, n);
    return w;
}

const char *la_u8(const CHARTYPE *wide)
{
    return (const char *)keep(to_utf8(wide));
}

void example_init(int *argc, char ***argv)
{
    int n = 0, k;
    wchar_t **wargv = CommandLineToArgvW(GetCommandLineW(), &n);
    char **u8;
    /* The MSVC runtime treats _IOLBF as full buffering; unbuffered keeps output ordered. */
    setvbuf(stdout, NULL, _IONBF, 0);
    SetConsoleOutputCP(CP_UTF8);
    if (wargv == NULL) {
        return;
    }
    u8 = (char **)calloc((size_t)n + 1, sizeof *u8);
    for (k = 0; u8 != NULL && k < n; k++) {
        u8[k] = to_utf8(wargv[k]);
        if (u8[k] == NULL) {
            u8 = NULL; /* keep the ANSI argv; leaks only on this failure path */
        }
    }
    LocalFree(wargv);
    if (u8 != NULL) {
        *argc = n;
        *argv = u8; /* lives for the whole process */
    }
}

/* Environment values as UTF-8 (kept for the whole process), empty counting as unset. */
static const char *env_or_null(const char *name)
{
    const wchar_t *wname = la_str(name);
    const wchar_t *v = _wgetenv(wname);
    return (v != NULL && v[0] != L'\0') ? to_utf8(v) : NULL;
}
#else
void example_init(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    setvbuf(stdout, NULL, _IOLBF, 0);
}

static const char *env_or_null(const char *name)
{
    const char *v = getenv(name);
    return (v != NULL && v[0] != '\0') ? v : NULL;
}
#endif

void config_from_env(example_config *cfg)
{
    cfg->product_data = env_or_null("OPENLEX_PRODUCT_DATA");
    cfg->product_id = env_or_null("OPENLEX_PRODUCT_ID");
    cfg->license_key = env_or_null("OPENLEX_LICENSE_KEY");
    cfg->host = env_or_null("OPENLEX_HOST");
    cfg->data_dir = env_or_null("OPENLEX_DATA_DIR");
}

int config_parse_flag(example_config *cfg, int argc, char **argv, int *i)
{
    static const struct {
        const char *flag;
        size_t offset;
    } flags[] = {
        { "--product-data", offsetof(example_config, product_data) },
        { "--product-id", offsetof(example_config, product_id) },
        { "--license-key", offsetof(example_config, license_key) },
        { "--host", offsetof(example_config, host) },
        { "--data-dir", offsetof(example_config, data_dir) },
    };
    size_t k;
    for (k = 0; k < sizeof flags / sizeof flags[0]; k++) {
        if (strcmp(argv[*i], flags[k].flag) == 0) {
            if (*i + 1 >= argc) {
                fprintf(stderr, "error: %s needs a value\n", flags[k].flag);
                exit(2);
            }
            *(const char **)((char *)cfg + flags[k].offset) = argv[*i + 1];
            *i += 1;
            return 1;
        }
    }
    return 0;
}

void config_require(const char *value, const char *flag, const char *env_name)
{
    if (value == NULL || value[0] == '\0') {
        fprintf(stderr, "error: missing %s (or set %s)\n", flag, env_name);
        exit(2);
    }
}

int check_any(const char *call, int status, const int *ok, int n_ok)
{
    int k;
    if (status == LA_OK) {
        return status;
    }
    for (k = 0; k < n_ok; k++) {
        if (status == ok[k]) {
            return status;
        }
    }
    fflush(stdout);
    fprintf(stderr, "error: %s -> %s (%d)\n", call, la_status_name(status), status);
    exit(1);
}

int check(const char *call, int status)
{
    return check_any(call, status, NULL, 0);
}

void setup_product(const example_config *cfg)
{
    config_require(cfg->product_data, "--product-data", "OPENLEX_PRODUCT_DATA");
    config_require(cfg->product_id, "--product-id", "OPENLEX_PRODUCT_ID");
    if (cfg->data_dir != NULL) {
        /* Must come before SetProductData. */
        check("SetDataDirectory", SetDataDirectory(LA_STR(cfg->data_dir)));
    }
    check("SetProductData", SetProductData(LA_STR(cfg->product_data)));
    check("SetProductId", SetProductId(LA_STR(cfg->product_id), LA_USER));
}

const char *format_date(uint32_t unix_seconds, char *buf, unsigned buflen)
{
    time_t t = (time_t)unix_seconds;
    struct tm *tm;
    if (unix_seconds == 0) {
        snprintf(buf, buflen, "never");
        return buf;
    }
    tm = gmtime(&t);
    if (tm == NULL || strftime(buf, buflen, "%Y-%m-%d %H:%M:%S UTC", tm) == 0) {
        snprintf(buf, buflen, "%lu", (unsigned long)unix_seconds);
    }
    return buf;
}
