/* archive_day: shared day-file helpers (see archive_day.h). */
#include "archive/archive_day.h"

#include <dirent.h>
#include <errno.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/ym_alloc.h"
#include "core/ym_log.h"
#include "core/ym_time.h"

#define BUSY_TIMEOUT_MS 10000

int64_t archive_day_of_ns(int64_t t_ns)
{
    return t_ns <= 0 ? 0 : t_ns / YM_NS_PER_DAY;
}

void archive_day_name(int64_t day, char out[16])
{
    int64_t y;
    unsigned m, d;
    ym_time_civil_from_days(day, &y, &m, &d);
    snprintf(out, 16, "%04lld-%02u-%02u", (long long)y, m, d);
}

enum ym_status archive_day_parse(const char *s, int64_t *day)
{
    unsigned v[8];
    if (!s || strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return YM_EINVAL;
    const int pos[8] = {0, 1, 2, 3, 5, 6, 8, 9};
    for (int i = 0; i < 8; i++) {
        if (s[pos[i]] < '0' || s[pos[i]] > '9')
            return YM_EINVAL;
        v[i] = (unsigned)(s[pos[i]] - '0');
    }
    unsigned y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    unsigned m = v[4] * 10 + v[5], d = v[6] * 10 + v[7];
    if (y < 1970 || m < 1 || m > 12 || d < 1 || d > 31)
        return YM_EINVAL;
    int64_t n = ym_time_days_from_civil(y, m, d);
    char back[16];
    archive_day_name(n, back);
    if (strcmp(back, s) != 0) /* 2026-02-30 and the like */
        return YM_EINVAL;
    *day = n;
    return YM_OK;
}

enum ym_status archive_day_path(const char *data_dir, const char *tenant, int64_t day, char *out,
                                size_t out_len)
{
    int n;
    if (day < 0) {
        n = snprintf(out, out_len, "%s/archive/%s", data_dir, tenant);
    } else {
        char name[16];
        archive_day_name(day, name);
        n = snprintf(out, out_len, "%s/archive/%s/%s.db", data_dir, tenant, name);
    }
    return (n < 0 || (size_t)n >= out_len) ? YM_EINVAL : YM_OK;
}

static int mkdir_p(const char *dir)
{
    char tmp[ARCHIVE_PATH_MAX];
    size_t n = strlen(dir);
    if (n >= sizeof(tmp))
        return -1;
    memcpy(tmp, dir, n + 1);
    for (size_t i = 1; i <= n; i++) {
        if (tmp[i] == '/' || tmp[i] == 0) {
            char c = tmp[i];
            tmp[i] = 0;
            if (mkdir(tmp, 0750) != 0 && errno != EEXIST)
                return -1;
            tmp[i] = c;
        }
    }
    return 0;
}

static const char *schema_sql =
    "CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value);"
    "CREATE TABLE IF NOT EXISTS devices(id INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " kind TEXT NOT NULL, timezone TEXT NOT NULL);"
    "CREATE TABLE IF NOT EXISTS staging(id INTEGER PRIMARY KEY, first_seq INTEGER NOT NULL,"
    " log_count INTEGER NOT NULL, raw_bytes INTEGER NOT NULL, first_ns INTEGER NOT NULL,"
    " last_ns INTEGER NOT NULL, data BLOB NOT NULL);"
    "CREATE TABLE IF NOT EXISTS blocks(id INTEGER PRIMARY KEY, first_seq INTEGER NOT NULL,"
    " first_ns INTEGER NOT NULL, last_ns INTEGER NOT NULL, log_count INTEGER NOT NULL,"
    " raw_bytes INTEGER NOT NULL, codec INTEGER NOT NULL, bloom BLOB NOT NULL,"
    " data BLOB NOT NULL, prev_hash BLOB NOT NULL, hash BLOB NOT NULL);";

enum ym_status archive_day_open(const char *path, const char *tenant, int64_t day, int writable,
                                sqlite3 **out)
{
    sqlite3 *db = NULL;
    *out = NULL;
    if (writable) {
        char dir[ARCHIVE_PATH_MAX];
        const char *slash = strrchr(path, '/');
        if (slash && (size_t)(slash - path) < sizeof(dir)) {
            memcpy(dir, path, (size_t)(slash - path));
            dir[slash - path] = 0;
            if (mkdir_p(dir) != 0) {
                ym_log(YM_LOG_ERROR, "archive: cannot create %s: %s", dir, strerror(errno));
                return YM_EIO;
            }
        }
    } else {
        struct stat stbuf;
        if (stat(path, &stbuf) != 0)
            return YM_ENOTFOUND;
    }
    int flags = writable ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    if (sqlite3_open_v2(path, &db, flags | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK) {
        ym_log(YM_LOG_ERROR, "archive: cannot open %s: %s", path, db ? sqlite3_errmsg(db) : "no memory");
        sqlite3_close(db);
        return YM_EDB;
    }
    sqlite3_busy_timeout(db, BUSY_TIMEOUT_MS);
    if (writable) {
        /* auto_vacuum only takes effect before the first table exists */
        char sql[512];
        char name[16];
        archive_day_name(day, name);
        snprintf(sql, sizeof(sql),
                 "INSERT OR IGNORE INTO meta(key,value) VALUES('format',%d),('day','%s');",
                 ARCHIVE_DAY_FORMAT, name);
        /* secure_delete (on in Debian's build) would overwrite every
         * staging page freed by a seal: the same logs are in the block, so
         * it only doubles the writes */
        if (sqlite3_exec(db, "PRAGMA auto_vacuum=INCREMENTAL; PRAGMA journal_mode=WAL;"
                             " PRAGMA synchronous=FULL; PRAGMA secure_delete=OFF;",
                         NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db, schema_sql, NULL, NULL, NULL) != SQLITE_OK ||
            sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK) {
            ym_log(YM_LOG_ERROR, "archive: cannot set up %s: %s", path, sqlite3_errmsg(db));
            sqlite3_close(db);
            return YM_EDB;
        }
        sqlite3_stmt *st = NULL;
        int rc = sqlite3_prepare_v2(db, "INSERT OR IGNORE INTO meta(key,value) VALUES('tenant',?)",
                                    -1, &st, NULL);
        if (rc == SQLITE_OK) {
            sqlite3_bind_text(st, 1, tenant, -1, SQLITE_STATIC);
            rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : SQLITE_ERROR;
        }
        sqlite3_finalize(st);
        if (rc != SQLITE_OK) {
            sqlite3_close(db);
            return YM_EDB;
        }
    }
    if (!writable) {
        /* a file the writer has just created may not have its tables yet:
         * to a reader it is not there yet */
        sqlite3_stmt *st = NULL;
        int have = -1; /* -1: not readable as a database at all */
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM sqlite_master WHERE name = 'blocks'",
                               -1, &st, NULL) == SQLITE_OK &&
            sqlite3_step(st) == SQLITE_ROW)
            have = sqlite3_column_int(st, 0) > 0;
        sqlite3_finalize(st);
        if (have <= 0) {
            sqlite3_close(db);
            return have == 0 ? YM_ENOTFOUND : YM_EDB;
        }
    }
    *out = db;
    return YM_OK;
}

static void sha256(const void *parts[], const size_t lens[], size_t n, uint8_t out[32])
{
    EVP_MD_CTX *ctx = EVP_MD_CTX_new();
    unsigned outlen = 0;
    if (!ctx) {
        memset(out, 0, 32);
        return;
    }
    EVP_DigestInit_ex(ctx, EVP_sha256(), NULL);
    for (size_t i = 0; i < n; i++)
        EVP_DigestUpdate(ctx, parts[i], lens[i]);
    EVP_DigestFinal_ex(ctx, out, &outlen);
    EVP_MD_CTX_free(ctx);
}

void archive_day_genesis(const char *tenant, int64_t day, uint8_t out[ARCHIVE_HASH_BYTES])
{
    char name[16];
    archive_day_name(day, name);
    const void *parts[] = {"yamori:", tenant, ":", name};
    const size_t lens[] = {7, strlen(tenant), 1, strlen(name)};
    sha256(parts, lens, 4, out);
}

static void le64(unsigned char *p, uint64_t v)
{
    for (int i = 0; i < 8; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

void archive_day_block_hash(const uint8_t prev[ARCHIVE_HASH_BYTES],
                            const struct archive_day_block_hdr *h, const void *bloom,
                            size_t bloom_len, const void *data, size_t data_len,
                            uint8_t out[ARCHIVE_HASH_BYTES])
{
    unsigned char hdr[64], dlen[8];
    le64(hdr, (uint64_t)h->id);
    le64(hdr + 8, h->first_seq);
    le64(hdr + 16, (uint64_t)h->first_ns);
    le64(hdr + 24, (uint64_t)h->last_ns);
    le64(hdr + 32, h->log_count);
    le64(hdr + 40, h->raw_bytes);
    le64(hdr + 48, (uint64_t)h->codec);
    le64(hdr + 56, bloom_len);
    le64(dlen, data_len);
    const void *parts[] = {prev, hdr, bloom, dlen, data};
    const size_t lens[] = {ARCHIVE_HASH_BYTES, sizeof(hdr), bloom_len, 8, data_len};
    sha256(parts, lens, 5, out);
}

static char *col_dup(sqlite3_stmt *st, int i)
{
    const unsigned char *t = sqlite3_column_text(st, i);
    return ym_xstrdup(t ? (const char *)t : "");
}

enum ym_status archive_day_dict_load(sqlite3 *db, struct archive_day_dict *d)
{
    sqlite3_stmt *st = NULL;
    if (sqlite3_prepare_v2(db, "SELECT id, name, kind, timezone FROM devices ORDER BY id", -1,
                           &st, NULL) != SQLITE_OK)
        return YM_EDB;
    int rc;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (d->count == d->cap) {
            d->cap = d->cap ? d->cap * 2 : 16;
            d->v = ym_xrealloc(d->v, d->cap * sizeof(*d->v));
        }
        struct archive_day_device *e = &d->v[d->count++];
        e->id = (uint32_t)sqlite3_column_int64(st, 0);
        e->name = col_dup(st, 1);
        e->kind = col_dup(st, 2);
        e->timezone = col_dup(st, 3);
        e->ptr = NULL;
    }
    sqlite3_finalize(st);
    return rc == SQLITE_DONE ? YM_OK : YM_EDB;
}

void archive_day_dict_free(struct archive_day_dict *d)
{
    for (size_t i = 0; i < d->count; i++) {
        free(d->v[i].name);
        free(d->v[i].kind);
        free(d->v[i].timezone);
    }
    free(d->v);
    memset(d, 0, sizeof(*d));
}

const struct archive_day_device *archive_day_dict_get(const struct archive_day_dict *d, uint32_t id)
{
    /* ids are assigned 1, 2, ... in order, so the index is a good first guess */
    if (id >= 1 && id <= d->count && d->v[id - 1].id == id)
        return &d->v[id - 1];
    for (size_t i = 0; i < d->count; i++)
        if (d->v[i].id == id)
            return &d->v[i];
    return NULL;
}

static int tenant_name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n == 0 || n > 64 || s[0] == '-' || s[0] == '_')
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!((s[i] >= 'a' && s[i] <= 'z') || (s[i] >= '0' && s[i] <= '9') || s[i] == '-' ||
              s[i] == '_'))
            return 0;
    return 1;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int cmp_day(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
    return x < y ? -1 : x > y;
}

/* Names in dir (sorted), owned by the caller. */
static size_t list_dir(const char *dir, char ***out)
{
    DIR *dh = opendir(dir);
    size_t n = 0, cap = 0;
    char **v = NULL;
    if (!dh) {
        *out = NULL;
        return 0;
    }
    struct dirent *de;
    while ((de = readdir(dh)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        if (n == cap) {
            cap = cap ? cap * 2 : 16;
            v = ym_xrealloc(v, cap * sizeof(*v));
        }
        v[n++] = ym_xstrdup(de->d_name);
    }
    closedir(dh);
    if (n)
        qsort(v, n, sizeof(*v), cmp_str);
    *out = v;
    return n;
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

enum ym_status archive_day_list(const char *data_dir, const char *tenant, int newest_first,
                                archive_day_file_fn fn, void *arg)
{
    char root[ARCHIVE_PATH_MAX];
    int w = snprintf(root, sizeof(root), "%s/archive", data_dir);
    if (w < 0 || (size_t)w >= sizeof(root))
        return YM_EINVAL;
    char **tenants = NULL;
    size_t nt;
    if (tenant) {
        if (!tenant_name_ok(tenant))
            return YM_EINVAL;
        tenants = ym_xmalloc(sizeof(char *));
        tenants[0] = ym_xstrdup(tenant);
        nt = 1;
    } else {
        nt = list_dir(root, &tenants);
    }
    int stop = 0;
    for (size_t t = 0; t < nt && !stop; t++) {
        if (!tenant_name_ok(tenants[t]))
            continue;
        char dir[ARCHIVE_PATH_MAX];
        if (archive_day_path(data_dir, tenants[t], -1, dir, sizeof(dir)) != YM_OK)
            continue;
        char **files;
        size_t nf = list_dir(dir, &files);
        int64_t *days = nf ? ym_xmalloc(nf * sizeof(int64_t)) : NULL;
        size_t nd = 0;
        for (size_t i = 0; i < nf; i++) {
            char base[16];
            size_t len = strlen(files[i]);
            if (len != 13 || strcmp(files[i] + 10, ".db") != 0)
                continue;
            memcpy(base, files[i], 10);
            base[10] = 0;
            if (archive_day_parse(base, &days[nd]) == YM_OK)
                nd++;
        }
        free_names(files, nf);
        if (nd)
            qsort(days, nd, sizeof(int64_t), cmp_day);
        for (size_t i = 0; i < nd && !stop; i++) {
            int64_t day = days[newest_first ? nd - 1 - i : i];
            char path[ARCHIVE_PATH_MAX];
            if (archive_day_path(data_dir, tenants[t], day, path, sizeof(path)) == YM_OK)
                stop = fn(arg, tenants[t], day, path);
        }
        free(days);
    }
    free_names(tenants, nt);
    return YM_OK;
}
