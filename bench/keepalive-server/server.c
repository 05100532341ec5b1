/*
 * A tiny HTTP/1.1 keep-alive server for benchmarks and integration tests.
 *
 *   GET /         200 "hello <GREETING> from <hostname> at <server address>\n"
 *                 (the address tells containers of one app apart: the platform gives them one hostname)
 *   GET /healthz  200 "ok\n"
 *   anything else 404 (HEAD is answered like GET without a body; other methods 405)
 *
 * One thread, epoll, listen backlog 1024, port $PORT (default 8080). One thread because a thread per
 * connection runs into the platform's pids limit (256): Caddy keeps the idle upstream connections of every
 * config it reloaded, so a few hundred connections per app are normal during a burst of reloads.
 *
 * SIGTERM/SIGINT: close the listener, finish in-flight requests (answered with "Connection: close"), close
 * idle keep-alive connections, exit when none is left or after DRAIN_MS (default 900 ms).
 * Built with `gcc -O2 -static`; runs FROM scratch.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define BACKLOG 1024
#define MAX_CONNECTIONS 8192
#define IN_BUFFER 8192
#define OUT_BUFFER 16384
#define MAX_RESPONSE 1024
#define IDLE_TIMEOUT_MS 60000
#define TICK_MS 100

struct conn {
    int fd;
    int close_after;     /* close once the output is sent */
    int peer_closed;     /* the client sent EOF: answer what is complete, then close */
    unsigned events;     /* what epoll watches for it now */
    long long last_activity;
    size_t in_used, out_used, out_sent;
    struct conn *prev, *next;
    char body[320]; /* this connection's "/" body: it names the local address */
    size_t body_len;
    char in[IN_BUFFER];
    char out[OUT_BUFFER];
};

static volatile sig_atomic_t draining;
static char greeting_prefix[288]; /* "hello <GREETING> from <hostname>" */
static struct conn *connections;
static int connection_count;
static int epfd;

static long long now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void on_signal(int sig) {
    (void)sig;
    draining = 1;
}

/* Case-insensitive search for a header line "name: value" in the head; returns the value or NULL. */
static const char *find_header(const char *head, const char *end, const char *name, size_t *value_len) {
    size_t name_len = strlen(name);
    const char *line = memchr(head, '\n', (size_t)(end - head));
    while (line && line + 1 < end) {
        line++;
        const char *eol = memchr(line, '\n', (size_t)(end - line));
        if (!eol) break;
        if ((size_t)(eol - line) > name_len && line[name_len] == ':' && strncasecmp(line, name, name_len) == 0) {
            const char *v = line + name_len + 1;
            while (v < eol && (*v == ' ' || *v == '\t')) v++;
            const char *ve = eol;
            while (ve > v && (ve[-1] == '\r' || ve[-1] == ' ')) ve--;
            *value_len = (size_t)(ve - v);
            return v;
        }
        line = eol;
    }
    return NULL;
}

/* Appends the response to one complete request head [c->in, head_end) to c->out; sets close_after. */
static void answer(struct conn *c, const char *head_end) {
    const char *buf = c->in;
    const char *sp1 = memchr(buf, ' ', (size_t)(head_end - buf));
    const char *sp2 = sp1 ? memchr(sp1 + 1, ' ', (size_t)(head_end - sp1 - 1)) : NULL;
    const char *status = "200 OK", *body;
    size_t body_len;
    int keep, head_only = 0;

    if (!sp1 || !sp2) {
        status = "400 Bad Request";
        body = "bad request\n";
        body_len = strlen(body);
        keep = 0;
    } else {
        size_t method_len = (size_t)(sp1 - buf), path_len = (size_t)(sp2 - sp1 - 1);
        const char *path = sp1 + 1;
        int http10 = (size_t)(head_end - sp2) >= 9 && strncmp(sp2 + 1, "HTTP/1.0", 8) == 0;
        size_t vlen = 0;
        const char *conn = find_header(buf, head_end, "Connection", &vlen);
        keep = !http10;
        if (conn && vlen == 5 && strncasecmp(conn, "close", 5) == 0) keep = 0;
        if (conn && vlen == 10 && strncasecmp(conn, "keep-alive", 10) == 0) keep = 1;

        head_only = method_len == 4 && memcmp(buf, "HEAD", 4) == 0;
        int get = method_len == 3 && memcmp(buf, "GET", 3) == 0;
        if (!get && !head_only) {
            status = "405 Method Not Allowed";
            body = "method not allowed\n";
            body_len = strlen(body);
            keep = 0; /* a body we do not read may follow */
        } else if (path_len == 1 && path[0] == '/') {
            body = c->body;
            body_len = c->body_len;
        } else if (path_len == 8 && memcmp(path, "/healthz", 8) == 0) {
            body = "ok\n";
            body_len = 3;
        } else {
            status = "404 Not Found";
            body = "not found\n";
            body_len = strlen(body);
        }
    }
    if (draining) keep = 0;

    char *out = c->out + c->out_used;
    int n = snprintf(out, MAX_RESPONSE,
                     "HTTP/1.1 %s\r\nContent-Type: text/plain\r\nContent-Length: %zu\r\nConnection: %s\r\n\r\n",
                     status, body_len, keep ? "keep-alive" : "close");
    if (n < 0 || (size_t)n >= MAX_RESPONSE) n = 0;
    if (!head_only && (size_t)n + body_len <= MAX_RESPONSE) {
        memcpy(out + n, body, body_len);
        n += (int)body_len;
    }
    c->out_used += (size_t)n;
    if (!keep) c->close_after = 1;
}

static void close_conn(struct conn *c) {
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    if (c->prev) c->prev->next = c->next; else connections = c->next;
    if (c->next) c->next->prev = c->prev;
    connection_count--;
    free(c);
}

/* Answers every complete buffered request (pipelining) while the output buffer has room. */
static void process(struct conn *c) {
    char *head_end;
    while (!c->close_after && c->in_used > 0 && OUT_BUFFER - c->out_used >= MAX_RESPONSE &&
           (head_end = memmem(c->in, c->in_used, "\r\n\r\n", 4)) != NULL) {
        head_end += 4;
        answer(c, head_end);
        size_t consumed = (size_t)(head_end - c->in);
        memmove(c->in, head_end, c->in_used - consumed);
        c->in_used -= consumed;
    }
    if (c->in_used == IN_BUFFER && !memmem(c->in, c->in_used, "\r\n\r\n", 4)) c->close_after = 1; /* head too large */
}

static void watch(struct conn *c, unsigned events) {
    if (c->events == events) return;
    struct epoll_event ev = {.events = events, .data.ptr = c};
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->events = events;
}

/* Sends what it can; returns 0 when the connection was closed. */
static int flush(struct conn *c) {
    while (c->out_sent < c->out_used) {
        ssize_t n = send(c->fd, c->out + c->out_sent, c->out_used - c->out_sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (n <= 0) {
            close_conn(c);
            return 0;
        }
        c->out_sent += (size_t)n;
    }
    if (c->out_sent == c->out_used) c->out_sent = c->out_used = 0;
    return 1;
}

/* Answers and sends until blocked on the socket or out of complete requests; returns 0 when closed. */
static int pump(struct conn *c) {
    for (int rounds = 0; rounds < 64; rounds++) {
        process(c);
        if (c->peer_closed) c->close_after = 1;
        if (!flush(c)) return 0;
        if (c->out_used > 0) break; /* the socket is full: wait for EPOLLOUT, stop reading meanwhile */
        if (c->close_after) {
            close_conn(c);
            return 0;
        }
        if (!memmem(c->in, c->in_used, "\r\n\r\n", 4)) break;
    }
    watch(c, c->out_used > 0 ? EPOLLOUT : EPOLLIN);
    return 1;
}

static void on_readable(struct conn *c) {
    while (!c->peer_closed && c->in_used < IN_BUFFER) {
        ssize_t got = recv(c->fd, c->in + c->in_used, IN_BUFFER - c->in_used, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) break;
        if (got <= 0) {
            c->peer_closed = 1;
            break;
        }
        c->in_used += (size_t)got;
        c->last_activity = now_ms();
    }
    pump(c);
}

static void accept_all(int lfd) {
    for (;;) {
        struct sockaddr_in self;
        socklen_t self_len = sizeof self;
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED) continue;
            return; /* EAGAIN, or out of descriptors: try again on the next event */
        }
        struct conn *c = connection_count < MAX_CONNECTIONS ? malloc(sizeof *c) : NULL;
        if (!c) {
            close(fd);
            continue;
        }
        int one = 1;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        char local[INET_ADDRSTRLEN] = "?";
        if (getsockname(fd, (struct sockaddr *)&self, &self_len) == 0) inet_ntop(AF_INET, &self.sin_addr, local, sizeof local);
        int len = snprintf(c->body, sizeof c->body, "%s at %s\n", greeting_prefix, local);
        c->body_len = len < 0 ? 0 : ((size_t)len >= sizeof c->body ? sizeof c->body - 1 : (size_t)len);
        c->fd = fd;
        c->close_after = c->peer_closed = 0;
        c->events = EPOLLIN;
        c->in_used = c->out_used = c->out_sent = 0;
        c->last_activity = now_ms();
        c->prev = NULL;
        c->next = connections;
        if (connections) connections->prev = c;
        connections = c;
        connection_count++;
        struct epoll_event ev = {.events = EPOLLIN, .data.ptr = c};
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) close_conn(c);
    }
}

/* Closes idle connections: after the idle timeout, or at once while draining. */
static void sweep(long long now) {
    struct conn *c = connections;
    while (c) {
        struct conn *next = c->next;
        int idle = c->in_used == 0 && c->out_used == 0;
        if ((draining && idle) || now - c->last_activity > IDLE_TIMEOUT_MS) close_conn(c);
        c = next;
    }
}

int main(void) {
    const char *greeting = getenv("GREETING");
    const char *port_env = getenv("PORT");
    const char *drain_env = getenv("DRAIN_MS");
    int port = port_env && atoi(port_env) > 0 ? atoi(port_env) : 8080;
    long drain_ms = drain_env && atol(drain_env) > 0 ? atol(drain_env) : 900;
    char host[128] = "unknown";
    gethostname(host, sizeof host - 1);
    snprintf(greeting_prefix, sizeof greeting_prefix, "hello %.120s from %s", greeting ? greeting : "", host);

    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal; /* no SA_RESTART: epoll_wait returns EINTR */
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);

    int lfd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    int one = 1;
    setsockopt(lfd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons((unsigned short)port), .sin_addr.s_addr = htonl(INADDR_ANY)};
    if (lfd < 0 || bind(lfd, (struct sockaddr *)&addr, sizeof addr) < 0 || listen(lfd, BACKLOG) < 0) {
        perror("listen");
        return 1;
    }
    epfd = epoll_create1(EPOLL_CLOEXEC);
    struct epoll_event lev = {.events = EPOLLIN, .data.ptr = NULL};
    if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &lev) < 0) {
        perror("epoll");
        return 1;
    }
    fprintf(stderr, "keepalive-server: listening on :%d\n", port);

    struct epoll_event events[256];
    long long deadline = 0, last_sweep = now_ms();
    for (;;) {
        if (draining && !deadline) {
            /* No new connections; in-flight requests finish with "Connection: close", idle ones close. */
            epoll_ctl(epfd, EPOLL_CTL_DEL, lfd, NULL);
            close(lfd);
            deadline = now_ms() + drain_ms;
            sweep(now_ms());
        }
        if (deadline && (connection_count == 0 || now_ms() >= deadline)) break;

        int n = epoll_wait(epfd, events, 256, TICK_MS);
        if (n < 0 && errno != EINTR) {
            perror("epoll_wait");
            return 1;
        }
        for (int i = 0; i < n; i++) {
            struct conn *c = events[i].data.ptr;
            if (!c) {
                if (!draining) accept_all(lfd);
                continue;
            }
            if (events[i].events & EPOLLOUT) {
                if (!pump(c)) continue; /* also answers requests held back while the output was full */
            }
            if (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)) on_readable(c);
        }
        long long now = now_ms();
        if (draining || now - last_sweep >= 1000) {
            sweep(now);
            last_sweep = now;
        }
    }
    fprintf(stderr, "keepalive-server: drained, %d connection(s) left, exiting\n", connection_count);
    return 0;
}
