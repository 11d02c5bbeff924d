/* bench_triage: how many detections a second the triage engine takes
 * (aggregation, severity, store writes in one transaction per burst), the
 * work of the triage thread of `yamori serve` without the queue.
 *
 *   bench_triage [DETECTIONS [KEYS [BURST]]]    defaults 200000 250 1000
 *
 * Every detection is an exploit let through (the slowest path: judged,
 * watched for a callback) from one of KEYS sources to one server; a burst
 * of BURST detections is one triage_engine_add (one transaction), with a
 * tick (event writes) every 20 bursts. Prints detections/s and the events
 * and writes it took. The store is a fresh state.db in a temp directory. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/ym_time.h"
#include "state/state_audit.h"
#include "state/state_db.h"
#include "triage/triage_engine.h"

static int count_change(void *arg, const struct state_change *c)
{
    (void)c;
    (*(uint64_t *)arg)++;
    return 0;
}

static long arg(int argc, char **argv, int i, long def)
{
    if (argc <= i)
        return def;
    char *end;
    long v = strtol(argv[i], &end, 10);
    return *end || v <= 0 ? def : v;
}

int main(int argc, char **argv)
{
    long total = arg(argc, argv, 1, 200000), keys = arg(argc, argv, 2, 250);
    long burst = arg(argc, argv, 3, 1000);
    char dir[] = "/tmp/bench-triage-XXXXXX";
    if (!mkdtemp(dir))
        return 1;
    struct state_db *db = NULL;
    struct triage_policy *p = NULL;
    if (state_db_open(dir, STATE_DB_WRITER, &db, NULL) != YM_OK ||
        triage_policy_load(NULL, &p, NULL) != YM_OK)
        return 1;
    struct triage_engine_config c = {.policy = p, .db = db};
    struct triage_engine *e = triage_engine_create(&c);
    struct triage_detection *d = calloc((size_t)burst, sizeof *d);
    char (*src)[32] = calloc((size_t)burst, sizeof *src);
    if (!d || !src)
        return 1;
    int64_t t0 = ym_time_now_ns(), start = ym_time_mono_ns();
    long done = 0, bursts = 0;
    while (done < total) {
        long n = total - done < burst ? total - done : burst;
        int64_t now = t0 + bursts * 5000000LL; /* 200 bursts a second of log time */
        for (long i = 0; i < n; i++) {
            snprintf(src[i], sizeof src[i], "203.0.%ld.%ld", ((done + i) % keys) / 250,
                     ((done + i) % keys) % 250);
            d[i] = (struct triage_detection){
                .rule_id = "bench-exploit", .rule_title = "Exploit", .rule_response = "",
                .agg_key = "", .tags = "attack.t1190", .level = DETECT_LEVEL_HIGH, .group = "",
                .count = 1, .tenant = "acme", .device = "fw1", .device_kind = "asa",
                .time_ns = now, .received_ns = now, .sample = "<166>bench log line",
                .field_count = 3};
            d[i].fields[0] = (struct triage_field){"source.ip", src[i]};
            d[i].fields[1] = (struct triage_field){"destination.ip", "10.0.0.5"};
            d[i].fields[2] = (struct triage_field){"event.action", "allowed"};
        }
        if (triage_engine_add(e, d, (size_t)n, now) != YM_OK)
            return 1;
        if (++bursts % 20 == 0)
            triage_engine_tick(e, now);
        done += n;
    }
    triage_engine_flush(e, t0 + bursts * 5000000LL + YM_NS_PER_S);
    double s = (double)(ym_time_mono_ns() - start) / 1e9;
    struct triage_engine_stats st;
    triage_engine_stats(e, &st);
    uint64_t writes = 0;
    state_changes_each(db, 0, 0, count_change, &writes);
    printf("triage engine: %ld detections in %.2f s = %.0f detections/s; %llu events, "
           "%llu event writes, %ld transactions of %ld\n",
           done, s, (double)done / s, (unsigned long long)st.events_opened,
           (unsigned long long)writes, bursts, burst);
    triage_engine_destroy(e);
    triage_policy_free(p);
    state_db_close(db);
    free(d);
    free(src);
    const char *names[] = {"state.db", "state.db-wal", "state.db-shm"};
    for (size_t i = 0; i < 3; i++) {
        char path[128];
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        unlink(path);
    }
    rmdir(dir);
    return 0;
}
