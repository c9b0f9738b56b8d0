/*
 * ctl/webauth - users file and crypt(3) hashes (see ctl/webauth.h)
 */
#include <crypt.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/digest.h"
#include "core/log.h"
#include "ctl/webauth.h"
#include "lib/xalloc.h"

/* a valid hash of a random password: keeps the timing of unknown users like known ones */
#define DUMMY_HASH                                                                                 \
    "$6$rounds=5000$fmdummysalt$Lm1kSJ9D3dSQdh9Bm8Pz3jkLQXv2FQvGPUAdcyc7m2xJ86CgDCpvlH6kDPSc0K"    \
    "BCq0bs8yC1aMzbzRF0e94yE."

/* verify - crypt_r(password, hash) equals hash */
static bool verify(const char *password, const char *hash)
{
    struct crypt_data *cd = xcalloc(1, sizeof(*cd));
    const char *out = crypt_r(password, hash, cd);
    bool ok = out && out[0] != '*' && digest_equal(out, hash);
    free(cd);
    return ok;
}

/* lookup - the hash of user in the file (caller frees), or NULL */
static char *lookup(const char *path, const char *user)
{
    FILE *f = fopen(path, "re");
    if (f == NULL) {
        log_error("web users file %s: %s", path, strerror(errno));
        return NULL;
    }
    char *line = NULL;
    char *hash = NULL;
    size_t cap = 0;
    size_t ul = strlen(user);
    while (hash == NULL && getline(&line, &cap, f) != -1) {
        line[strcspn(line, "\r\n")] = 0;
        if (line[0] == '#' || line[0] == 0)
            continue;
        if (strncmp(line, user, ul) == 0 && line[ul] == ':' && line[ul + 1] == '$')
            hash = xstrdup(line + ul + 1);
    }
    free(line);
    fclose(f);
    return hash;
}

/* webauth_check - user and password against the users file */
bool webauth_check(const char *path, const char *user, const char *password)
{
    if (path == NULL || path[0] == 0 || user == NULL || password == NULL || user[0] == 0 ||
        strchr(user, ':') || strlen(user) > 64 || strlen(password) > 1024)
        return false;
    char *hash = lookup(path, user);
    bool ok = verify(password, hash ? hash : DUMMY_HASH) && hash != NULL;
    free(hash);
    return ok;
}

/* webauth_hash - a $6$ hash with a random salt */
char *webauth_hash(const char *password, BUF *err)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    if (crypt_gensalt_rn("$6$", 0, NULL, 0, salt, sizeof(salt)) == NULL) {
        buf_printf(err, "crypt_gensalt: %s", strerror(errno));
        return NULL;
    }
    struct crypt_data *cd = xcalloc(1, sizeof(*cd));
    const char *out = crypt_r(password, salt, cd);
    char *r = out && out[0] != '*' ? xstrdup(out) : NULL;
    if (r == NULL)
        buf_puts(err, "crypt failed");
    free(cd);
    return r;
}
