/* sdnotify.h: the few lines of the systemd readiness protocol (Type=notify) a daemon needs. */
#ifndef NET_SDNOTIFY_H
#define NET_SDNOTIFY_H

/* Sends state ("READY=1", "STOPPING=1", "STATUS=...") to $NOTIFY_SOCKET; a no-op without it. */
void sd_notify_state(const char *state);

#endif
