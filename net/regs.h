/* regs.h: the registrations a daemon made on the command of its operator (themis register),
 * kept in STATE/registrations so that a restarted daemon makes them again: one
 * "NODE SERVICE" a line, NODE the hosted node's index. Written whole to a temporary file
 * (0600, fsync) and renamed over the old one, so a crash leaves the old list or the new.
 */
#ifndef NET_REGS_H
#define NET_REGS_H

#include <stddef.h>

enum { REGS_MAX = 1024, REGS_NAME_MAX = 255 };

typedef struct reg_entry {
	unsigned node;
	char service[REGS_NAME_MAX + 1];
} reg_entry;

/* Reads DIR/registrations into out (at most cap). A missing file is an empty list; a line
 * that is not "NODE SERVICE" is skipped. Returns how many were read. */
size_t regs_load(const char *dir, reg_entry *out, size_t cap);
/* Adds (node, service) to DIR/registrations unless it is there. Returns 0, or -1 with a
 * reason in err (REGS_MAX entries already, a name too long, the file not writable). */
int regs_keep(const char *dir, unsigned node, const char *service, char *err, size_t errlen);
/* Removes (node, service) from DIR/registrations, so a restart does not register it again:
 * what a deregistration calls once the service is deregistered. Returns 0 (also when it was
 * not there), or -1 with a reason in err. */
int regs_forget(const char *dir, unsigned node, const char *service, char *err, size_t errlen);

#endif
