/*
 * ctl/smtp - SMTP client and sendmail pipe for releasing quarantined mail (see ctl/smtp.h)
 */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ctl/smtp.h"
#include "lib/str.h"
#include "lib/xalloc.h"

typedef struct SMTP {
    int fd;
    BUF *in; /* bytes received, not yet consumed */
    BUF *reply;
} SMTP;

/* smtp_addr_ok - an address that can go on an SMTP command line (see smtp.h) */
bool smtp_addr_ok(const char *addr)
{
    size_t n = strlen(addr);
    bool quoted = false;
    if (n > 998)
        return false;
    for (const unsigned char *p = (const unsigned char *)addr; *p; p++) {
        if (*p < 0x20 || *p == 0x7f)
            return false;
        if (*p == '"')
            quoted = !quoted;
        if (*p == ' ' && !quoted)
            return false;
    }
    return true;
}

/* bare - the address without surrounding white space and angle brackets (caller frees) */
static char *bare(const char *a)
{
    while (*a == ' ')
        a++;
    size_t n = strlen(a);
    while (n && a[n - 1] == ' ')
        n--;
    if (n >= 2 && a[0] == '<' && a[n - 1] == '>')
        return xstrndup(a + 1, n - 2);
    return xstrndup(a, n);
}

/* wire - head and message as SMTP DATA: CRLF line ends, dot-stuffed, ".\r\n" at the end */
static void wire(BUF *out, const char *head, const char *raw, size_t len)
{
    const char *parts[2] = {head, raw};
    size_t lens[2] = {strlen(head), len};
    bool bol = true;
    for (int k = 0; k < 2; k++) {
        for (size_t i = 0; i < lens[k]; i++) {
            char ch = parts[k][i];
            if (bol && ch == '.')
                buf_putc(out, '.');
            bol = false;
            if (ch == '\r' && i + 1 < lens[k] && parts[k][i + 1] == '\n')
                continue; /* the LF writes CRLF */
            if (ch == '\n') {
                buf_puts(out, "\r\n");
                bol = true;
            } else {
                buf_putc(out, ch);
            }
        }
    }
    if (!bol)
        buf_puts(out, "\r\n");
    buf_puts(out, ".\r\n");
}

/* send_all - write every byte; false on error or timeout */
static bool send_all(SMTP *s, const char *p, size_t n)
{
    while (n) {
        ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return false;
        p += w;
        n -= (size_t)w;
    }
    return true;
}

/* read_reply - one (possibly multi-line) reply; its code, or -1 on a broken connection */
static int read_reply(SMTP *s)
{
    buf_reset(s->reply);
    for (;;) {
        char *nl = memchr(s->in->data, '\n', s->in->len);
        if (nl) {
            size_t n = (size_t)(nl - s->in->data) + 1;
            char line[1024];
            snprintf(line, sizeof(line), "%.*s", (int)(n > 1000 ? 1000 : n), s->in->data);
            memmove(s->in->data, s->in->data + n, s->in->len - n);
            buf_truncate(s->in, s->in->len - n);
            line[strcspn(line, "\r\n")] = 0;
            if (s->reply->len)
                buf_puts(s->reply, " / ");
            str_sanitize(s->reply, line, strlen(line), 300);
            if (strlen(line) < 3 || line[3] != '-')
                return strlen(line) >= 3 ? atoi(line) : -1;
            continue;
        }
        if (s->in->len > 65536)
            return -1;
        char chunk[4096];
        ssize_t r = recv(s->fd, chunk, sizeof(chunk), 0);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            return -1;
        buf_cat(s->in, chunk, (size_t)r);
    }
}

/* command - send a command line, read the reply; true when its code is one of want */
static bool command(SMTP *s, const char *line, int want1, int want2, BUF *err)
{
    if (line && !send_all(s, line, strlen(line))) {
        buf_printf(err, "relay: write failed: %s", strerror(errno));
        return false;
    }
    int code = read_reply(s);
    if (code == want1 || code == want2)
        return true;
    if (code < 0)
        buf_printf(err, "relay: connection lost%s", errno == EAGAIN ? " (timeout)" : "");
    else {
        BUF *cmd = buf_new(64);
        str_sanitize(cmd, line ? line : "(greeting)", line ? strcspn(line, "\r") : 10, 120);
        buf_printf(err, "relay refused %s: %s", cmd->data, s->reply->data);
        buf_free(cmd);
    }
    return false;
}

/* dial - connect to HOST:PORT or [HOST]:PORT with timeouts; fd or -1 */
static int dial(const char *relay, BUF *err)
{
    char *host = xstrdup(relay);
    char *port = strrchr(host, ':');
    char *h = host;
    if (port == NULL || port[1] == 0) {
        buf_printf(err, "release_relay '%s': want HOST:PORT or a sendmail path", relay);
        free(host);
        return -1;
    }
    *port++ = 0;
    if (h[0] == '[' && h[strlen(h) - 1] == ']') {
        h++;
        h[strlen(h) - 1] = 0;
    }
    struct addrinfo hints = {.ai_socktype = SOCK_STREAM};
    struct addrinfo *ai = NULL;
    int rc = getaddrinfo(h, port, &hints, &ai);
    int fd = -1;
    if (rc != 0)
        buf_printf(err, "release_relay %s: %s", relay, gai_strerror(rc));
    struct timeval tv = {SMTP_TIMEOUT_S, 0};
    for (struct addrinfo *a = ai; a && fd < 0; a = a->ai_next) {
        fd = socket(a->ai_family, a->ai_socktype | SOCK_CLOEXEC, a->ai_protocol);
        if (fd < 0)
            continue;
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
        if (connect(fd, a->ai_addr, a->ai_addrlen) != 0) {
            buf_reset(err);
            buf_printf(err, "release_relay %s: %s", relay, strerror(errno));
            close(fd);
            fd = -1;
        }
    }
    if (ai)
        freeaddrinfo(ai);
    free(host);
    return fd;
}

/* envelope - MAIL and every RCPT; false (after RSET) when one is refused */
static bool envelope(SMTP *s, const char *from, char *const *rcpt, size_t nrcpt, BUF *err)
{
    char *f = bare(from);
    char *line = xasprintf("MAIL FROM:<%s>\r\n", f);
    bool ok = command(s, line, 250, 250, err);
    free(line);
    free(f);
    for (size_t i = 0; ok && i < nrcpt; i++) {
        char *r = bare(rcpt[i]);
        line = xasprintf("RCPT TO:<%s>\r\n", r);
        ok = command(s, line, 250, 251, err);
        free(line);
        free(r);
    }
    if (!ok)
        send_all(s, "RSET\r\n", 6);
    return ok;
}

/* smtp_relay - the SMTP dialogue (see smtp.h) */
static int smtp_relay(const char *relay, const char *from, char *const *rcpt, size_t nrcpt,
                      const char *head, const char *raw, size_t len, BUF *err)
{
    SMTP s = {dial(relay, err), buf_new(4096), buf_new(256)};
    if (s.fd < 0) {
        buf_free(s.in);
        buf_free(s.reply);
        return -1;
    }
    char host[256] = "localhost";
    gethostname(host, sizeof(host) - 1);
    host[strcspn(host, " \r\n")] = 0;
    char *ehlo = xasprintf("EHLO %s\r\n", host);
    char *helo = xasprintf("HELO %s\r\n", host);
    BUF *data = buf_new(len + 1024);
    bool ok = command(&s, NULL, 220, 220, err) &&
              (command(&s, ehlo, 250, 250, err) || command(&s, helo, 250, 250, err)) &&
              envelope(&s, from, rcpt, nrcpt, err) && command(&s, "DATA\r\n", 354, 354, err);
    if (ok) {
        wire(data, head, raw, len);
        ok = send_all(&s, data->data, data->len);
        if (!ok)
            buf_puts(err, "relay: write failed");
        ok = ok && command(&s, NULL, 250, 250, err);
    }
    send_all(&s, "QUIT\r\n", 6);
    close(s.fd);
    free(ehlo);
    free(helo);
    buf_free(data);
    buf_free(s.in);
    buf_free(s.reply);
    return ok ? 0 : -1;
}

/* pipe_sendmail - run the sendmail binary with the message on its stdin */
static int pipe_sendmail(const char *path, const char *from, char *const *rcpt, size_t nrcpt,
                         const char *head, const char *raw, size_t len, BUF *err)
{
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) {
        buf_printf(err, "pipe: %s", strerror(errno));
        return -1;
    }
    char **argv = xcalloc(nrcpt + 6, sizeof(*argv));
    size_t k = 0;
    argv[k++] = (char *)path;
    argv[k++] = "-i";
    argv[k++] = "-f";
    argv[k++] = bare(from);
    argv[k++] = "--";
    for (size_t i = 0; i < nrcpt; i++)
        argv[k++] = bare(rcpt[i]);
    pid_t pid = fork();
    if (pid == 0) {
        dup2(fds[0], 0);
        execv(path, argv);
        _exit(127);
    }
    close(fds[0]);
    bool wrote = pid > 0;
    void (*old)(int) = signal(SIGPIPE, SIG_IGN);
    FILE *f = pid > 0 ? fdopen(fds[1], "w") : NULL;
    if (f) {
        wrote = fwrite(head, 1, strlen(head), f) == strlen(head) && fwrite(raw, 1, len, f) == len;
        wrote = fclose(f) == 0 && wrote;
    } else {
        close(fds[1]);
    }
    signal(SIGPIPE, old);
    int status = 0;
    if (pid > 0)
        waitpid(pid, &status, 0);
    int rc = pid > 0 && wrote && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
    if (rc != 0)
        buf_printf(err, "%s failed (%s)", path,
                   pid < 0  ? strerror(errno)
                   : !wrote ? "write error"
                            : "exit status not 0");
    free(argv[3]);
    for (size_t i = 5; i < k; i++)
        free(argv[i]);
    free(argv);
    return rc;
}

/* smtp_send - deliver to the relay or through sendmail (see smtp.h) */
int smtp_send(const char *relay, const char *from, char *const *rcpt, size_t nrcpt,
              const char *head, const char *raw, size_t len, BUF *err)
{
    if (nrcpt == 0) {
        buf_puts(err, "no recipients");
        return -1;
    }
    bool ok = smtp_addr_ok(from);
    for (size_t i = 0; ok && i < nrcpt; i++)
        ok = smtp_addr_ok(rcpt[i]);
    if (!ok) {
        buf_puts(err, "an envelope address holds characters that cannot be sent");
        return -1;
    }
    if (relay[0] == '/')
        return pipe_sendmail(relay, from, rcpt, nrcpt, head, raw, len, err);
    return smtp_relay(relay, from, rcpt, nrcpt, head, raw, len, err);
}
