/*
 * fnlab-probe: the lab's tiny traffic endpoint (server and client), built static so the same
 * binary runs on the host and inside the busybox VM.
 *
 *   fnlab-probe serve tcp|udp PORT RESPONSE [BIND] [--hold MS]
 *   fnlab-probe connect tcp|udp ADDR PORT [--sport P] [--request TEXT] [--timeout MS] [--count N] [--hold MS]
 *
 * --hold MS keeps a TCP connection open after the exchange: the server (one child per connection)
 * does not close until the peer does or MS pass; the client stops reading after the first bytes of
 * the response, prints its event line at once, then keeps the socket for MS before closing it.
 * That lets a lab see connections the kernel counts as active (IPVS activeconns: ESTABLISHED).
 *
 * Every event is one JSON line on stdout. The client reports an outcome as a real client sees it:
 *   established  handshake done (TCP) / an answer came back (UDP)
 *   reset        TCP connect failed with ECONNREFUSED and no ICMP error was queued: a RST came back
 *   refused      an ICMP error came back (seen through IP_RECVERR, see ip_icmp_error() in
 *                net/ipv4/ip_sockglue.c, called from tcp_v4_err()/__udp4_lib_err())
 *   timeout      nothing came back in time
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/errqueue.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

static void json_str(const char *s, size_t n) {
    putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == '"' || c == '\\') { putchar('\\'); putchar(c); }
        else if (c == '\n') fputs("\\n", stdout);
        else if (c == '\r') fputs("\\r", stdout);
        else if (c == '\t') fputs("\\t", stdout);
        else if (c < 0x20 || c >= 0x7f) printf("\\u%04x", c);
        else putchar(c);
    }
    putchar('"');
}

static void json_addr(const char *key, const struct sockaddr_in *a) {
    char buf[INET_ADDRSTRLEN] = "0.0.0.0";
    inet_ntop(AF_INET, &a->sin_addr, buf, sizeof buf);
    printf(",\"%s_addr\":\"%s\",\"%s_port\":%d", key, buf, key, ntohs(a->sin_port));
}

static int usage(void) {
    fprintf(stderr, "usage: fnlab-probe serve tcp|udp PORT RESPONSE [BIND] [--hold MS]\n"
                    "       fnlab-probe connect tcp|udp ADDR PORT [--sport P] [--request TEXT] [--timeout MS] [--count N] [--hold MS]\n");
    return 2;
}

static int parse_proto(const char *p) {
    if (strcmp(p, "tcp") == 0) return SOCK_STREAM;
    if (strcmp(p, "udp") == 0) return SOCK_DGRAM;
    return -1;
}

/* ---------------------------------------------------------------- server */

/* Waits until the peer closes (read returns 0 or an error) or ms pass. */
static void hold_until_peer_closes(int c, int ms) {
    char b[256];
    struct timespec t0; clock_gettime(CLOCK_MONOTONIC, &t0);
    for (;;) {
        struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t);
        long left = ms - ((t.tv_sec - t0.tv_sec) * 1000L + (t.tv_nsec - t0.tv_nsec) / 1000000L);
        if (left <= 0) return;
        struct pollfd p = {.fd = c, .events = POLLIN};
        int r = poll(&p, 1, (int)left);
        if (r < 0 && errno == EINTR) continue;
        if (r <= 0) return;
        if (read(c, b, sizeof b) <= 0) return;
    }
}

static int serve(int type, int port, const char *response, const char *bind_addr, int hold) {
    if (hold > 0) signal(SIGCHLD, SIG_IGN); /* held connections live in children nobody waits for */
    int fd = socket(AF_INET, type, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int one = 1;
    setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (bind_addr && inet_pton(AF_INET, bind_addr, &sa.sin_addr) != 1) { fprintf(stderr, "bad bind address\n"); return 2; }
    if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0) { perror("bind"); return 1; }
    if (type == SOCK_STREAM && listen(fd, 128) < 0) { perror("listen"); return 1; }
    const char *proto = type == SOCK_STREAM ? "tcp" : "udp";
    printf("{\"event\":\"listening\",\"proto\":\"%s\"", proto);
    json_addr("local", &sa);
    printf("}\n");
    char buf[4096];
    for (;;) {
        struct sockaddr_in peer; socklen_t pl = sizeof peer;
        struct sockaddr_in local; socklen_t ll = sizeof local;
        ssize_t n = 0;
        if (type == SOCK_STREAM) {
            int c = accept(fd, (struct sockaddr *)&peer, &pl);
            if (c < 0) { if (errno == EINTR) continue; perror("accept"); return 1; }
            getsockname(c, (struct sockaddr *)&local, &ll);
            struct pollfd p = {.fd = c, .events = POLLIN};
            if (poll(&p, 1, 1000) > 0) { n = read(c, buf, sizeof buf); if (n < 0) n = 0; }
            ssize_t w = write(c, response, strlen(response));
            (void)w;
            if (hold > 0 && fork() == 0) {
                close(fd);
                hold_until_peer_closes(c, hold);
                _exit(0);
            }
            close(c);
        } else {
            n = recvfrom(fd, buf, sizeof buf, 0, (struct sockaddr *)&peer, &pl);
            if (n < 0) { if (errno == EINTR) continue; perror("recvfrom"); return 1; }
            local = sa;
            sendto(fd, response, strlen(response), 0, (struct sockaddr *)&peer, pl);
        }
        printf("{\"event\":\"request\",\"proto\":\"%s\"", proto);
        json_addr("local", &local);
        json_addr("peer", &peer);
        printf(",\"request\":");
        json_str(buf, (size_t)n);
        printf("}\n");
    }
}

/* ---------------------------------------------------------------- client */

static long now_ms(void) {
    struct timespec ts; clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000L + ts.tv_nsec / 1000000L;
}

/* Reads one queued ICMP error (IP_RECVERR) if there is one; returns 1 and fills type/code/from. */
static int icmp_error(int fd, int *type, int *code, char *from, size_t fromlen) {
    char cbuf[512], dbuf[64];
    struct iovec iov = {.iov_base = dbuf, .iov_len = sizeof dbuf};
    struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = cbuf, .msg_controllen = sizeof cbuf};
    if (recvmsg(fd, &m, MSG_ERRQUEUE | MSG_DONTWAIT) < 0) return 0;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
        if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_RECVERR) {
            struct sock_extended_err *e = (struct sock_extended_err *)CMSG_DATA(c);
            if (e->ee_origin != SO_EE_ORIGIN_ICMP) continue;
            *type = e->ee_type; *code = e->ee_code;
            struct sockaddr_in *off = (struct sockaddr_in *)SO_EE_OFFENDER(e);
            inet_ntop(AF_INET, &off->sin_addr, from, fromlen);
            return 1;
        }
    }
    return 0;
}

static int connect_one(int type, const char *addr, int port, int sport, const char *request, int timeout, int hold) {
    const char *proto = type == SOCK_STREAM ? "tcp" : "udp";
    struct sockaddr_in ra = {.sin_family = AF_INET, .sin_port = htons(port)};
    if (inet_pton(AF_INET, addr, &ra.sin_addr) != 1) { fprintf(stderr, "bad address %s\n", addr); return 2; }
    int fd = socket(AF_INET, type, 0);
    if (fd < 0) { perror("socket"); return 1; }
    int one = 1;
    setsockopt(fd, IPPROTO_IP, IP_RECVERR, &one, sizeof one);
    if (sport > 0) {
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
        struct sockaddr_in la = {.sin_family = AF_INET, .sin_port = htons(sport)};
        if (bind(fd, (struct sockaddr *)&la, sizeof la) < 0) { perror("bind"); close(fd); return 1; }
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
    long deadline = now_ms() + timeout;
    const char *outcome = NULL;
    int err = 0, connected = 0;
    char resp[4096]; size_t got = 0;

    int rc = connect(fd, (struct sockaddr *)&ra, sizeof ra);
    if (rc < 0 && errno != EINPROGRESS) { err = errno; }
    else if (type == SOCK_STREAM) {
        struct pollfd p = {.fd = fd, .events = POLLOUT};
        int left = (int)(deadline - now_ms());
        if (poll(&p, 1, left > 0 ? left : 0) <= 0) outcome = "timeout";
        else { socklen_t l = sizeof err; getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &l); if (!err) connected = 1; }
    } else {
        connected = 1; /* UDP: "connected" only means the route was found */
    }
    if (connected && !err) {
        ssize_t w = send(fd, request, strlen(request), MSG_NOSIGNAL);
        if (w < 0) err = errno;
        while (!err) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            int left = (int)(deadline - now_ms());
            if (left <= 0 || poll(&p, 1, left) <= 0) { if (type == SOCK_DGRAM || got == 0) outcome = type == SOCK_DGRAM ? "timeout" : outcome; break; }
            ssize_t n = recv(fd, resp + got, sizeof resp - 1 - got, 0);
            if (n < 0) { if (errno == EAGAIN) continue; err = errno; break; }
            if (n == 0) break;
            got += (size_t)n;
            if (type == SOCK_DGRAM || got >= sizeof resp - 1 || hold > 0) break;
        }
    }
    int itype = -1, icode = -1; char ifrom[INET_ADDRSTRLEN] = "";
    int had_icmp = icmp_error(fd, &itype, &icode, ifrom, sizeof ifrom);
    if (!outcome) {
        if (!err) outcome = (type == SOCK_STREAM || got > 0) ? "established" : "timeout";
        else if (had_icmp || err == EHOSTUNREACH || err == ENETUNREACH || err == EACCES) outcome = "refused";
        else if (type == SOCK_DGRAM && err == ECONNREFUSED) outcome = "refused";
        else if (err == ECONNREFUSED || err == ECONNRESET || err == EPIPE) outcome = "reset";
        else if (err == ETIMEDOUT) outcome = "timeout";
        else outcome = "error";
    }
    struct sockaddr_in la; socklen_t ll = sizeof la; memset(&la, 0, sizeof la);
    getsockname(fd, (struct sockaddr *)&la, &ll);
    printf("{\"event\":\"connect\",\"proto\":\"%s\",\"outcome\":\"%s\",\"connected\":%s", proto, outcome,
           (type == SOCK_STREAM ? connected : got > 0) ? "true" : "false");
    json_addr("local", &la);
    json_addr("remote", &ra);
    printf(",\"bytes\":%zu,\"response\":", got);
    json_str(resp, got);
    if (err) printf(",\"errno\":\"%s\"", strerrorname_np(err) ? strerrorname_np(err) : "?");
    if (had_icmp) printf(",\"icmp_type\":%d,\"icmp_code\":%d,\"icmp_from\":\"%s\"", itype, icode, ifrom);
    printf("}\n");
    if (hold > 0 && type == SOCK_STREAM && connected && !err) {
        fflush(stdout);
        hold_until_peer_closes(fd, hold);
    }
    close(fd);
    return strcmp(outcome, "established") == 0 ? 0 : 1;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc < 2) return usage();
    if (strcmp(argv[1], "serve") == 0) {
        int hold = 0, n = argc;
        if (n >= 7 && strcmp(argv[n - 2], "--hold") == 0) { hold = atoi(argv[n - 1]); n -= 2; }
        if (n < 5 || n > 6) return usage();
        int type = parse_proto(argv[2]);
        if (type < 0) return usage();
        return serve(type, atoi(argv[3]), argv[4], n == 6 ? argv[5] : NULL, hold);
    }
    if (strcmp(argv[1], "connect") == 0) {
        if (argc < 5) return usage();
        int type = parse_proto(argv[2]);
        if (type < 0) return usage();
        int sport = 0, timeout = 3000, count = 1, hold = 0;
        const char *request = "hello";
        for (int i = 5; i < argc; i++) {
            if (i + 1 >= argc) return usage();
            if (strcmp(argv[i], "--sport") == 0) sport = atoi(argv[++i]);
            else if (strcmp(argv[i], "--request") == 0) request = argv[++i];
            else if (strcmp(argv[i], "--timeout") == 0) timeout = atoi(argv[++i]);
            else if (strcmp(argv[i], "--count") == 0) count = atoi(argv[++i]);
            else if (strcmp(argv[i], "--hold") == 0) hold = atoi(argv[++i]);
            else return usage();
        }
        int rc = 0;
        for (int i = 0; i < count; i++)
            rc |= connect_one(type, argv[3], atoi(argv[4]), sport > 0 ? sport + i : 0, request, timeout, hold);
        return rc;
    }
    return usage();
}
