/* cisco_samples: checks every line of tests/data/<dir>/NAME.log against the
 * reviewed document on the same line of NAME.expected.jsonl (flat dotted
 * names, event.original left out). Shared by test_asa.c and test_ftd.c;
 * header-only so that each test binary stays one file plus this. */
#ifndef CISCO_SAMPLES_H
#define CISCO_SAMPLES_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "core/ym_arena.h"
#include "core/ym_buf.h"
#include "core/ym_time.h"
#include "parse/parse.h"
#include "parse/parse_ecs.h"

static void samples_flatten(json_t *out, const char *prefix, json_t *obj)
{
    const char *key;
    json_t *v;
    json_object_foreach(obj, key, v) {
        char name[256];
        snprintf(name, sizeof name, "%s%s%s", prefix, *prefix ? "." : "", key);
        if (json_is_object(v))
            samples_flatten(out, name, v);
        else
            json_object_set(out, name, v);
    }
}

/* Parses one line as `yamori parse --kind kind` would; returns the flat document. */
static json_t *samples_parse(const char *kind, const char *line, size_t len)
{
    struct ym_arena a;
    ym_arena_init(&a, 1 << 16, 0);
    struct ym_record r;
    memset(&r, 0, sizeof r);
    r.raw = ym_arena_strndup(&a, line, len);
    r.raw_len = (uint32_t)len;
    int64_t now = 0;
    ym_time_parse_arg("2026-11-22T12:00:00Z", 0, &now);
    r.received_ns = now;
    ym_fields_init(&r.fields, &a);
    struct parse_ctx ctx = {kind, "", now};
    parse_record(&ctx, &r, NULL);
    struct ym_buf b = YM_BUF_INIT;
    parse_ecs_to_json(&r.fields, &b);
    json_t *doc = json_loadb(b.data, b.len, 0, NULL);
    ym_buf_free(&b);
    ym_arena_fini(&a);
    json_t *flat = json_object();
    if (doc)
        samples_flatten(flat, "", doc);
    json_decref(doc);
    json_object_del(flat, "event.original");
    return flat;
}

/* Fails (cmocka) on the first line whose document differs, naming the keys. */
static void samples_check(const char *kind, const char *dir)
{
    const char *src = getenv("YM_SRC");
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/data/%s", src ? src : ".", dir);
    DIR *d = opendir(path);
    if (!d)
        fail_msg("cannot open %s (set YM_SRC to the repository)", path);
    int files = 0, lines = 0;
    struct dirent *e;
    while ((e = readdir(d))) {
        size_t n = strlen(e->d_name);
        if (n < 5 || strcmp(e->d_name + n - 4, ".log") != 0)
            continue;
        char log[1400], exp[1400];
        snprintf(log, sizeof log, "%s/%s", path, e->d_name);
        snprintf(exp, sizeof exp, "%s/%.*s.expected.jsonl", path, (int)(n - 4), e->d_name);
        FILE *fl = fopen(log, "rb"), *fe = fopen(exp, "rb");
        assert_non_null(fl);
        if (!fe)
            fail_msg("%s has no expected file %s", log, exp);
        char *a = NULL, *b = NULL;
        size_t ca = 0, cb = 0;
        ssize_t ga, gb;
        int no = 0;
        while ((ga = getline(&a, &ca, fl)) >= 0) {
            no++;
            while (ga > 0 && (a[ga - 1] == '\n' || a[ga - 1] == '\r'))
                ga--;
            if (ga == 0)
                continue;
            gb = getline(&b, &cb, fe);
            if (gb < 0)
                fail_msg("%s:%d: no expected document", log, no);
            json_t *want = json_loadb(b, (size_t)gb, 0, NULL);
            if (!want)
                fail_msg("%s:%d: expected document is not JSON", exp, no);
            json_t *got = samples_parse(kind, a, (size_t)ga);
            const char *key;
            json_t *v;
            int bad = 0;
            json_object_foreach(want, key, v) {
                if (!json_equal(v, json_object_get(got, key))) {
                    char *ws = json_dumps(v, JSON_ENCODE_ANY), *gs = json_dumps(json_object_get(got, key), JSON_ENCODE_ANY);
                    print_error("%s:%d: %s: expected %s, got %s\n", log, no, key, ws, gs ? gs : "nothing");
                    free(ws);
                    free(gs);
                    bad = 1;
                }
            }
            json_object_foreach(got, key, v) {
                if (!json_object_get(want, key)) {
                    print_error("%s:%d: unexpected field %s\n", log, no, key);
                    bad = 1;
                }
            }
            json_decref(want);
            json_decref(got);
            if (bad)
                fail_msg("%s:%d does not give its expected document", log, no);
            lines++;
        }
        free(a);
        free(b);
        fclose(fl);
        fclose(fe);
        files++;
    }
    closedir(d);
    assert_true(files > 0);
    assert_true(lines > 0);
}

#endif
