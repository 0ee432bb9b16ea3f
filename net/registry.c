/* registry.c: control clients' registrations (registry.h). */
#include "registry.h"

int64_t registry_register(host *h, unsigned idx, const char *service, uint64_t now)
{
	return themis_register(host_node(h, idx), service, NULL, now);
}

int64_t registry_deregister(host *h, unsigned idx, const char *service, uint64_t now)
{
	return themis_deregister(host_node(h, idx), service, now);
}
