/* registry.h: the services a daemon's nodes register and deregister on behalf of control
 * clients (`themis register`, `themis deregister`). The one place such a registration starts
 * and ends, so that whatever keeps registrations across restarts (the state directory) adds
 * the entry in registry_register and removes it in registry_deregister.
 */
#ifndef NET_REGISTRY_H
#define NET_REGISTRY_H

#include <stdint.h>

#include "host.h"

/* themis_register of service (no tag) on hosted node idx. Returns the op id or THEMIS_E*. */
int64_t registry_register(host *h, unsigned idx, const char *service, uint64_t now);
/* themis_deregister of service on hosted node idx: its records are replaced by signed
 * tombstones and no longer refreshed. Returns the op id or THEMIS_E*. */
int64_t registry_deregister(host *h, unsigned idx, const char *service, uint64_t now);

#endif
