/* bench_detect: logs per second per core of the detect stage with 1, 100,
 * 1,000 and 5,000 rules on mixed ASA / PAN-OS / web logs, the compile time
 * of each set, and the peak RSS. Prints figures; asserts nothing.
 *
 * Rules are generated like real ones (field values with contains /
 * startswith / exact, some lists, a few regexes, CIDRs and keywords) and
 * written as YAML, so the loader is part of the compile figure. Logs are
 * parsed once with the real decoders; only detect_set_match is timed, on
 * one thread.
 *
 * Usage: bench_detect [ITERATIONS [RULE_PACK_DIR]]   (default 300000 matches
 * per rule count); with RULE_PACK_DIR (the repo's rules/) a last row times
 * the shipped pack with its own logsources.yaml and placeholders.yaml. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "core/ym_batch.h"
#include "core/ym_time.h"
#include "detect/detect.h"
#include "parse/parse.h"

static const char *const words[] = {
    "admin", "login", "passwd", "select", "union", "shell", "cmd", "exec", "wget", "curl", "base64",
    "token", "debug", "backup", "config", "upload", "invoke", "script", "eval", "system", "phpinfo",
    "cgi-bin", "wp-admin", "xmlrpc", "jndi", "ldap", "onerror", "alert", "etc", "proc", "tmp",
    "drop", "insert", "sleep", "bench", "chmod", "bash", "python", "perl", "nmap", "sqlmap", "nikto",
};
#define NWORDS (sizeof(words) / sizeof(words[0]))

static unsigned rnd(unsigned *s)
{
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xFFFFFF;
}

static void write_rules(const char *dir, int n)
{
    char path[256];
    snprintf(path, sizeof(path), "%s/bench.yml", dir);
    FILE *f = fopen(path, "w");
    if (!f) {
        perror(path);
        exit(1);
    }
    unsigned s = 42;
    for (int i = 0; i < n; i++) {
        fprintf(f, "%stitle: bench rule %d\nid: bench-%d\nlogsource: {category: %s}\ndetection:\n  sel:\n",
                i ? "---\n" : "", i, i, i % 3 == 0 ? "firewall" : "webserver");
        unsigned kind = rnd(&s) % 100;
        const char *w1 = words[rnd(&s) % NWORDS], *w2 = words[rnd(&s) % NWORDS];
        unsigned num = rnd(&s);
        if (kind < 40) {
            fprintf(f, "    url.original|contains:\n      - '/%s%u/%s'\n      - '%s=%u'\n", w1, num % 1000, w2, w2, num % 97);
        } else if (kind < 55) {
            fprintf(f, "    url.original|startswith: '/%s/%s%u'\n    http.request.method: POST\n", w1, w2, num % 1000);
        } else if (kind < 70) {
            fprintf(f, "    user_agent.original|contains: '%s-%u'\n", w1, num % 10000);
        } else if (kind < 85) {
            fprintf(f, "    event.code: '%u'\n    destination.port: %u\n", 100000 + num % 800000, num % 65536);
        } else if (kind < 92) {
            fprintf(f, "    event.action: '%s-%s'\n    source.ip|cidr: '10.%u.0.0/16'\n", w1, w2, num % 256);
        } else if (kind < 97) {
            fprintf(f, "    url.original|re: '/%s[0-9]{2,4}/%s'\n", w1, w2);
        } else {
            fprintf(f, "  keywords:\n    - '%s_%u_%s'\n", w1, num % 100000, w2);
            fprintf(f, "  condition: keywords\n");
            continue;
        }
        fprintf(f, "  condition: sel\n");
    }
    fclose(f);
}

static const char *const sample_logs[][2] = {
    {"asa", "<166>Nov 22 2026 10:00:00 fw1 : %ASA-4-106023: Deny tcp src outside:203.0.113.9/51515 dst inside:10.1.2.3/445 by access-group \"outside_in\" [0x0, 0x0]"},
    {"asa", "<166>Nov 22 2026 10:00:01 fw1 : %ASA-6-302013: Built inbound TCP connection 1234 for outside:198.51.100.4/40000 (198.51.100.4/40000) to inside:10.1.2.4/443 (10.1.2.4/443)"},
    {"asa", "<166>Nov 22 2026 10:00:02 fw1 : %ASA-6-113005: AAA user authentication Rejected : reason = Invalid password : server = 10.1.2.3 : user = bob : user IP = 203.0.113.7"},
    {"asa", "<166>Nov 22 2026 10:00:03 fw1 : %ASA-6-302014: Teardown TCP connection 1234 for outside:198.51.100.4/40000 to inside:10.1.2.4/443 duration 0:00:05 bytes 10230 TCP FINs"},
    {"panos", "<14>Nov 22 10:00:04 pa1 1,2026/11/22 10:00:04,012801096514,TRAFFIC,end,2305,2026/11/22 10:00:04,10.0.0.5,93.184.216.34,0.0.0.0,0.0.0.0,allow-web,,,web-browsing,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,2026/11/22 10:00:04,12345,1,51000,80,0,0,0x19,tcp,allow,1500,700,800,12,2026/11/22 10:00:00,3,any,0,123456,0x0,10.0.0.0-10.255.255.255,United States,0,6,6,tcp-fin,0,0,0,0,,pa1,from-policy,,,0,,0,,N/A,0,0,0,0"},
    {"panos", "<14>Nov 22 10:00:05 pa1 1,2026/11/22 10:00:05,012801096514,THREAT,url,2305,2026/11/22 10:00:05,10.0.0.6,93.184.216.35,0.0.0.0,0.0.0.0,allow-web,,,web-browsing,vsys1,trust,untrust,ethernet1/2,ethernet1/1,fwd,2026/11/22 10:00:05,12346,1,51001,80,0,0,0x8000,tcp,alert,\"www.example.com/index.php?id=10&page=admin\",(9999),business-and-economy,informational,client-to-server,1,0x0,10.0.0.0-10.255.255.255,United States,0,text/html"},
    {"json", "{\"@timestamp\":\"2026-11-22T10:00:06Z\",\"source\":{\"ip\":\"198.51.100.23\"},\"url\":{\"original\":\"/shop/item.php?id=42&ref=home\",\"domain\":\"shop.example\"},\"http\":{\"request\":{\"method\":\"GET\"},\"response\":{\"status_code\":200}},\"user_agent\":{\"original\":\"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36\"}}"},
    {"json", "{\"@timestamp\":\"2026-11-22T10:00:07Z\",\"source\":{\"ip\":\"203.0.113.50\"},\"url\":{\"original\":\"/wp-login.php?redirect_to=%2Fwp-admin%2F\",\"domain\":\"blog.example\"},\"http\":{\"request\":{\"method\":\"POST\"},\"response\":{\"status_code\":302}},\"user_agent\":{\"original\":\"python-requests/2.31\"}}"},
};
#define NSAMPLES (sizeof(sample_logs) / sizeof(sample_logs[0]))

static int count_hit(void *arg, const struct ym_record *rec, const struct detect_hit *h)
{
    (void)rec;
    (void)h;
    ++*(unsigned long *)arg;
    return 0;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? strtol(argv[1], NULL, 10) : 300000;
    if (iters <= 0)
        iters = 300000;
    char dir[] = "/tmp/ym_bench_detect_XXXXXX";
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        return 1;
    }
    /* Parse the sample logs once, each with its own device kind. */
    struct ym_batch_pool *pool = ym_batch_pool_create(1);
    struct ym_batch *b = NULL;
    if (!pool || ym_batch_pool_get(pool, 0, &b) != YM_OK)
        return 1;
    static struct ym_device devs[NSAMPLES];
    for (size_t i = 0; i < NSAMPLES; i++) {
        devs[i] = (struct ym_device){.name = "bench", .tenant = "t", .kind = sample_logs[i][0], .timezone = ""};
        struct ym_record *r = ym_batch_add(b, sample_logs[i][1], strlen(sample_logs[i][1]));
        r->device = &devs[i];
        r->received_ns = ym_time_now_ns();
    }
    struct parse_stats ps = {0};
    parse_batch(b, 0, &ps);
    unsigned fields = 0;
    for (uint32_t i = 0; i < b->count; i++)
        fields += b->recs[i].fields.count;
    char logs_path[128];
    snprintf(logs_path, sizeof(logs_path), "%s/logsources.yaml", dir);
    FILE *lf = fopen(logs_path, "w");
    fputs("kinds: [asa, panos, json]\nlogsources:\n  - {category: firewall, kinds: [asa, panos]}\n"
          "  - {category: webserver, kinds: [asa, panos, json]}\n", lf);
    fclose(lf);
    printf("detect bench: %zu sample logs (asa, panos, json web), %u fields in all, %llu unparsed; "
           "%ld matches per rule count, one thread\n",
           NSAMPLES, fields, (unsigned long long)ps.unparsed, iters);
    printf("%8s %10s %12s %14s %10s %8s\n", "rules", "compile_ms", "logs/s", "ns/log", "hits/log", "dbs");
    static const int counts_all[] = {1, 100, 1000, 5000};
    const int *counts = counts_all;
    size_t ncounts = 4;
    if (getenv("BENCH_RULES")) {
        static int one_count[1];
        one_count[0] = (int)strtol(getenv("BENCH_RULES"), NULL, 10);
        counts = one_count;
        ncounts = 1;
    }
    for (size_t c = 0; c < ncounts; c++) {
        write_rules(dir, counts[c]);
        const char *paths[] = {dir};
        struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1, .logsources_path = logs_path};
        struct detect_set *set = NULL;
        struct detect_reports rep = {0};
        struct ym_error err;
        int64_t t0 = ym_time_mono_ns();
        if (detect_set_compile(&cfg, &set, &rep, &err) != YM_OK) {
            fprintf(stderr, "compile failed: %s\n", err.reason);
            return 1;
        }
        double compile_ms = (double)(ym_time_mono_ns() - t0) / 1e6;
        size_t bad = rep.count - detect_reports_count(&rep, DETECT_RULE_OK);
        if (bad)
            fprintf(stderr, "%zu generated rules did not load\n", bad);
        detect_reports_free(&rep);
        struct detect_scratch *s = detect_scratch_create(set);
        unsigned long hits = 0;
        for (uint32_t i = 0; i < b->count; i++) /* warm-up */
            detect_set_match(set, s, &b->recs[i], count_hit, &hits);
        hits = 0;
        t0 = ym_time_mono_ns();
        for (long i = 0; i < iters; i++)
            detect_set_match(set, s, &b->recs[i % b->count], count_hit, &hits);
        double secs = (double)(ym_time_mono_ns() - t0) / 1e9;
        printf("%8d %10.1f %12.0f %14.1f %10.3f %8zu\n", counts[c], compile_ms, (double)iters / secs,
               secs * 1e9 / (double)iters, (double)hits / (double)iters, detect_set_field_db_count(set));
        detect_scratch_destroy(s);
        detect_set_unref(set);
    }
    if (argc > 2) {
        char ls[512], ph[512];
        snprintf(ls, sizeof(ls), "%s/logsources.yaml", argv[2]);
        snprintf(ph, sizeof(ph), "%s/placeholders.yaml", argv[2]);
        const char *paths[] = {argv[2]};
        struct detect_config cfg = {.rule_paths = paths, .rule_path_count = 1, .logsources_path = ls,
                                    .placeholders_path = ph};
        struct detect_set *set = NULL;
        struct ym_error err;
        int64_t t0 = ym_time_mono_ns();
        if (detect_set_compile(&cfg, &set, NULL, &err) != YM_OK) {
            fprintf(stderr, "rule pack: %s\n", err.reason);
            return 1;
        }
        double compile_ms = (double)(ym_time_mono_ns() - t0) / 1e6;
        struct detect_scratch *s = detect_scratch_create(set);
        unsigned long hits = 0;
        t0 = ym_time_mono_ns();
        for (long i = 0; i < iters; i++)
            detect_set_match(set, s, &b->recs[i % b->count], count_hit, &hits);
        double secs = (double)(ym_time_mono_ns() - t0) / 1e9;
        printf("%8s %10.1f %12.0f %14.1f %10.3f %8zu   (rules/: %zu rules)\n", "pack", compile_ms,
               (double)iters / secs, secs * 1e9 / (double)iters, (double)hits / (double)iters,
               detect_set_field_db_count(set), detect_set_rule_count(set));
        detect_scratch_destroy(s);
        detect_set_unref(set);
    }
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    printf("peak RSS: %ld MiB\n", ru.ru_maxrss / 1024);
    char cmd[128];
    snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
    if (system(cmd) != 0)
        return 1;
    ym_batch_put(b);
    ym_batch_pool_destroy(pool);
    return 0;
}
