/* dmetrics.h: themisd --metrics FILE.db: the simulator's results schema (analysis/schema.sql)
 * filled from a real run: one runs row (mode 'udp'), one ops row per finished operation, and
 * the summary rows at exit.
 */
#ifndef NET_DMETRICS_H
#define NET_DMETRICS_H

#include <stddef.h>

#include "host.h"

typedef struct dmetrics dmetrics;

dmetrics *dm_open(const char *path, const char *network, int security, const char *params,
		  char *err, size_t errlen);
/* node: hex id of the node; target: hex of what the op was about, or NULL. */
void dm_op(dmetrics *m, const char *node, const themis_event *ev, const char *target);
/* Writes the summary from the ops seen and the hosted nodes' counters, commits, closes. */
void dm_close(dmetrics *m, host *h);

#endif
