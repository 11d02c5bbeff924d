/* notify_send: SMTP and webhook delivery through libcurl (see
 * notify_send.h). */
#include "notify/notify_send.h"

#include <curl/curl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/ym_alloc.h"

struct notify_sender {
    CURL *smtp, *http; /* NULL until first used; reset, not re-created, between uses */
    const atomic_int *cancel;
};

struct notify_sender *notify_sender_create(const atomic_int *cancel)
{
    struct notify_sender *s = ym_xcalloc(1, sizeof *s);
    s->cancel = cancel;
    return s;
}

void notify_sender_destroy(struct notify_sender *s)
{
    if (!s)
        return;
    if (s->smtp)
        curl_easy_cleanup(s->smtp);
    if (s->http)
        curl_easy_cleanup(s->http);
    free(s);
}

/* The handle for the next transfer: the same one each time (curl keeps its
 * connection cache across curl_easy_reset). */
static CURL *handle(CURL **h)
{
    if (*h)
        curl_easy_reset(*h);
    else
        *h = curl_easy_init();
    return *h;
}

static pthread_once_t global_once = PTHREAD_ONCE_INIT;

static void global_init(void) { curl_global_init(CURL_GLOBAL_DEFAULT); }

void notify_send_global_init(void) { pthread_once(&global_once, global_init); }

/* What the server said last (SMTP reply, HTTP status line). */
struct heard {
    char last[300];
    char status[200]; /* HTTP status line of the final response */
};

static void keep_line(char *dst, size_t cap, const char *p, size_t n)
{
    while (n > 0 && (p[n - 1] == '\r' || p[n - 1] == '\n' || p[n - 1] == ' '))
        n--;
    if (n == 0)
        return;
    if (n >= cap)
        n = cap - 1;
    size_t j = 0;
    for (size_t i = 0; i < n; i++)
        dst[j++] = (unsigned char)p[i] < 0x20 ? ' ' : p[i];
    dst[j] = '\0';
}

static int on_debug(CURL *c, curl_infotype type, char *data, size_t size, void *arg)
{
    struct heard *h = arg;
    if (type != CURLINFO_HEADER_IN)
        return 0;
    /* SMTP replies can be multi-line ("250-..."); keep the last line. */
    const char *p = data, *end = data + size;
    while (p < end) {
        const char *nl = memchr(p, '\n', (size_t)(end - p));
        size_t n = nl ? (size_t)(nl - p) + 1 : (size_t)(end - p);
        keep_line(h->last, sizeof h->last, p, n);
        p += n;
    }
    return 0;
}

static size_t on_header(char *data, size_t size, size_t nmemb, void *arg)
{
    struct heard *h = arg;
    size_t n = size * nmemb;
    if (n > 5 && !memcmp(data, "HTTP/", 5))
        keep_line(h->status, sizeof h->status, data, n);
    return n;
}

static size_t discard(char *data, size_t size, size_t nmemb, void *arg) { return size * nmemb; }

struct reader {
    const char *p;
    size_t left;
};

static size_t on_read(char *buf, size_t size, size_t nmemb, void *arg)
{
    struct reader *r = arg;
    size_t n = size * nmemb;
    if (n > r->left)
        n = r->left;
    memcpy(buf, r->p, n);
    r->p += n;
    r->left -= n;
    return n;
}

/* Progress callback: a non-zero return aborts the transfer. */
static int on_progress(void *arg, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal,
                       curl_off_t ulnow)
{
    const atomic_int *cancel = arg;
    return atomic_load(cancel) != 0;
}

static void common(CURL *c, const struct ym_notify_config *nc, const atomic_int *cancel,
                   char *errbuf, struct heard *h)
{
    if (cancel) {
        curl_easy_setopt(c, CURLOPT_XFERINFOFUNCTION, on_progress);
        curl_easy_setopt(c, CURLOPT_XFERINFODATA, (void *)cancel);
        curl_easy_setopt(c, CURLOPT_NOPROGRESS, 0L);
    }
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)NOTIFY_CONNECT_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)NOTIFY_TRANSFER_TIMEOUT_MS);
    curl_easy_setopt(c, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, on_debug);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, h);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* feeds on_debug; it prints nothing */
    if (nc->ca_file)
        curl_easy_setopt(c, CURLOPT_CAINFO, nc->ca_file);
}

static void failed(struct notify_answer *ans, CURLcode rc, const char *errbuf,
                   const struct heard *h)
{
    ans->ok = 0;
    if (rc == CURLE_ABORTED_BY_CALLBACK) {
        snprintf(ans->text, sizeof ans->text, "abandoned: yamori is stopping");
        return;
    }
    snprintf(ans->text, sizeof ans->text, "curl: %s%s%s", errbuf[0] ? errbuf : curl_easy_strerror(rc),
             h->last[0] ? "; server: " : "", h->last);
}

void notify_send_email(struct notify_sender *s, const struct ym_notify_config *nc, const char *to,
                       const char *mail, size_t mail_len, struct notify_answer *ans)
{
    memset(ans, 0, sizeof *ans);
    if (!nc->smtp_url) {
        snprintf(ans->text, sizeof ans->text, "no SMTP server configured (notify.smtp.url)");
        return;
    }
    CURL *c = handle(&s->smtp);
    if (!c) {
        snprintf(ans->text, sizeof ans->text, "curl: cannot start a transfer");
        return;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    struct heard h = {{0}, {0}};
    struct reader r = {mail, mail_len};
    char rcpt_addr[300], from[300];
    snprintf(rcpt_addr, sizeof rcpt_addr, "<%s>", to);
    snprintf(from, sizeof from, "<%s>", nc->from ? nc->from : "yamori@localhost");
    struct curl_slist *rcpt = curl_slist_append(NULL, rcpt_addr);
    common(c, nc, s->cancel, errbuf, &h);
    curl_easy_setopt(c, CURLOPT_URL, nc->smtp_url);
    if (!strncmp(nc->smtp_url, "smtp://", 7)) {
        long use = nc->starttls == YM_STARTTLS_REQUIRED   ? (long)CURLUSESSL_ALL
                   : nc->starttls == YM_STARTTLS_OPTIONAL ? (long)CURLUSESSL_TRY
                                                          : (long)CURLUSESSL_NONE;
        curl_easy_setopt(c, CURLOPT_USE_SSL, use);
    }
    if (nc->username) {
        curl_easy_setopt(c, CURLOPT_USERNAME, nc->username);
        curl_easy_setopt(c, CURLOPT_PASSWORD, nc->password ? nc->password : "");
    }
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, on_read);
    curl_easy_setopt(c, CURLOPT_READDATA, &r);
    curl_easy_setopt(c, CURLOPT_INFILESIZE, (long)mail_len);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        ans->ok = 1;
        snprintf(ans->text, sizeof ans->text, "%s", h.last[0] ? h.last : "250 accepted");
    } else {
        failed(ans, rc, errbuf, &h);
    }
    curl_slist_free_all(rcpt);
}

void notify_send_webhook(struct notify_sender *s, const struct ym_notify_config *nc,
                         const char *url, const char *json, size_t json_len,
                         struct notify_answer *ans)
{
    memset(ans, 0, sizeof *ans);
    CURL *c = handle(&s->http);
    if (!c) {
        snprintf(ans->text, sizeof ans->text, "curl: cannot start a transfer");
        return;
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    struct heard h = {{0}, {0}};
    struct curl_slist *hdr = curl_slist_append(NULL, "Content-Type: application/json; charset=utf-8");
    hdr = curl_slist_append(hdr, "Expect:"); /* no 100-continue round trip */
    hdr = curl_slist_append(hdr, "User-Agent: yamori");
    common(c, nc, s->cancel, errbuf, &h);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdr);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, json);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)json_len);
    curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c, CURLOPT_HEADERDATA, &h);
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    CURLcode rc = curl_easy_perform(c);
    if (rc == CURLE_OK) {
        long code = 0;
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &code);
        ans->ok = code >= 200 && code < 300;
        if (h.status[0])
            snprintf(ans->text, sizeof ans->text, "%s", h.status);
        else
            snprintf(ans->text, sizeof ans->text, "HTTP %ld", code);
    } else {
        failed(ans, rc, errbuf, &h);
    }
    curl_slist_free_all(hdr);
}
