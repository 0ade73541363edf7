/*
 * Gives a process its own loopback address, as a container has its own network (the smoke run's own
 * file, not generated). Loaded with LD_PRELOAD: a listener on 0.0.0.0 binds PORTAL_SMOKE_ADDRESS only, and a
 * listener or connection on 127.0.0.1 uses PORTAL_SMOKE_ADDRESS, so two services may use the same port and a
 * healthcheck's 127.0.0.1 reaches its own service. IPv6 listeners and programs that bypass libc (Go) keep
 * the shared loopback, so two of those must not use the same port.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dlfcn.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <sys/socket.h>

typedef int (*socket_call)(int, const struct sockaddr *, socklen_t);

/* a copy of addr with `from` replaced by the own address, or 0 when nothing is to change */
static int rewrite(const struct sockaddr *addr, socklen_t len, in_addr_t from, struct sockaddr_in *out) {
  const char *own = getenv("PORTAL_SMOKE_ADDRESS");
  if (!own || !addr || addr->sa_family != AF_INET || len < sizeof(struct sockaddr_in)) return 0;
  const struct sockaddr_in *in = (const struct sockaddr_in *)addr;
  if (in->sin_addr.s_addr != from) return 0;
  *out = *in;
  return inet_pton(AF_INET, own, &out->sin_addr) == 1;
}

int bind(int fd, const struct sockaddr *addr, socklen_t len) {
  static socket_call real;
  struct sockaddr_in mine;
  if (!real) real = (socket_call)dlsym(RTLD_NEXT, "bind");
  if (rewrite(addr, len, htonl(INADDR_ANY), &mine) || rewrite(addr, len, htonl(INADDR_LOOPBACK), &mine))
    return real(fd, (struct sockaddr *)&mine, sizeof mine);
  return real(fd, addr, len);
}

int connect(int fd, const struct sockaddr *addr, socklen_t len) {
  static socket_call real;
  struct sockaddr_in mine;
  if (!real) real = (socket_call)dlsym(RTLD_NEXT, "connect");
  if (rewrite(addr, len, htonl(INADDR_LOOPBACK), &mine)) return real(fd, (struct sockaddr *)&mine, sizeof mine);
  return real(fd, addr, len);
}
