/* ctl.h: the daemon's control socket (docs/cli.md): accepts `themis` CLI connections, runs
 * one command per connection on the hosted nodes, and answers when the command's operation
 * has finished.
 */
#ifndef NET_CTL_H
#define NET_CTL_H

#include <stddef.h>

#include "host.h"

typedef struct ctl ctl;

/* Binds path (an existing socket file is replaced only if no daemon answers on it). */
ctl *ctl_new(host *h, const char *path, const char *network, int security, char *err, size_t errlen);
/* Registrations made through the socket are kept in DIR/registrations (regs.h) once they
 * succeed, for a restarted daemon to make again; a deregistration removes its entry with
 * regs_forget(DIR, ...). NULL: nothing is kept. */
void ctl_set_state_dir(ctl *c, const char *dir);
/* Closes every client and removes the socket file. */
void ctl_del(ctl *c);
/* Hex of the target of op op_id on node idx, when a control command started it; else NULL. */
const char *ctl_target(const ctl *c, unsigned idx, uint64_t op_id);
/* Completes the client waiting for this event's operation, if any. */
void ctl_on_event(ctl *c, unsigned idx, const themis_event *ev);

#endif
