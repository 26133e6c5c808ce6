/*
 * helper.h - a second thread that does one share of a task beside the
 * caller: the caller hands it a share (lr_helper_start), does its own,
 * then waits for the helper's (lr_helper_wait). For work on a block
 * whose pieces are independent, such as printing its values.
 */
#ifndef LR_HELPER_H
#define LR_HELPER_H

struct lr_helper;

/* Tells the processor that this is a spin-wait loop (the helper's and
 * the read-ahead thread's waits). */
static inline void lr_pause(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#elif defined(__aarch64__)
	__asm__ __volatile__("yield");
#endif
}

/* Whether the process may run on more than one processor (taskset and
 * cpusets narrow it): else a second thread only takes turns. */
int lr_processors_to_share(void);

/* Starts a helper thread, or returns NULL (one processor to run on, or
 * no thread to be had): the caller then does every share itself. */
struct lr_helper *lr_helper_new(void);

/* Has the helper run fn(arg), while the caller goes on; one share at a
 * time: lr_helper_wait before the next. */
void lr_helper_start(struct lr_helper *h, void (*fn)(void *), void *arg);

/* Returns when the share lr_helper_start handed out is done. */
void lr_helper_wait(struct lr_helper *h);

/* Stops the thread (no share may be running) and frees h; NULL is fine. */
void lr_helper_free(struct lr_helper *h);

#endif
