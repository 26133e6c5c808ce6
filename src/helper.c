/*
 * helper.c - a second thread for one share of a task at a time.
 *
 * A share of a block takes a few hundred microseconds, and waking a
 * sleeping thread can take as long on a virtual machine, so both sides
 * first wait spinning: the helper for the next share (blocks follow
 * one another), the caller for the helper's share to end. Each spins
 * for about 100 microseconds before it sleeps on the condition
 * variable; the side that ends a wait wakes the other only when it
 * sleeps.
 */
#define _GNU_SOURCE /* sched_getaffinity */
#include "helper.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#define HELPER_SPIN 4096 /* pause instructions, about 100 microseconds */

struct lr_helper {
	pthread_t thread;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	void (*fn)(void *);
	void *arg;
	atomic_uint posted;   /* shares handed out */
	atomic_uint done;     /* shares done */
	atomic_int sleeping;  /* bit 0: the helper waits on cv; bit 1: the caller */
	int stop;
};

int lr_processors_to_share(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof set, &set) != 0)
		return sysconf(_SC_NPROCESSORS_ONLN) > 1;
	return CPU_COUNT(&set) > 1;
}

/* Waits until *v differs from seen (or, with the lock, h->stop): first
 * spinning, then asleep with the given bit of h->sleeping set. */
static void wait_change(struct lr_helper *h, atomic_uint *v, unsigned seen, int bit)
{
	int i;

	for (i = 0; i < HELPER_SPIN; i++) {
		if (atomic_load_explicit(v, memory_order_acquire) != seen)
			return;
		lr_pause();
	}
	pthread_mutex_lock(&h->mu);
	atomic_fetch_or(&h->sleeping, bit);
	/* (sequentially consistent, with the bit set before: the other side
	 * changes *v, then looks at the bits) */
	while (atomic_load(v) == seen && !h->stop)
		pthread_cond_wait(&h->cv, &h->mu);
	atomic_fetch_and(&h->sleeping, ~bit);
	pthread_mutex_unlock(&h->mu);
}

/* Wakes the other side if it sleeps (bit) after *v was changed. */
static void wake(struct lr_helper *h, int bit)
{
	if (!(atomic_load(&h->sleeping) & bit))
		return;
	pthread_mutex_lock(&h->mu);
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
}

static void *helper_main(void *arg)
{
	struct lr_helper *h = arg;
	unsigned seen = 0;

	for (;;) {
		wait_change(h, &h->posted, seen, 1);
		pthread_mutex_lock(&h->mu);
		if (h->stop) {
			pthread_mutex_unlock(&h->mu);
			return NULL;
		}
		pthread_mutex_unlock(&h->mu);
		seen = atomic_load_explicit(&h->posted, memory_order_acquire);
		h->fn(h->arg);
		atomic_store(&h->done, seen);
		wake(h, 2);
	}
}

struct lr_helper *lr_helper_new(void)
{
	struct lr_helper *h;
	sigset_t all, old;
	int r;

	if (!lr_processors_to_share() || !(h = calloc(1, sizeof *h)))
		return NULL;
	if (pthread_mutex_init(&h->mu, NULL) != 0) {
		free(h);
		return NULL;
	}
	if (pthread_cond_init(&h->cv, NULL) != 0) {
		pthread_mutex_destroy(&h->mu);
		free(h);
		return NULL;
	}
	/* Signals are the main thread's to handle. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	r = pthread_create(&h->thread, NULL, helper_main, h);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (r != 0) {
		pthread_cond_destroy(&h->cv);
		pthread_mutex_destroy(&h->mu);
		free(h);
		return NULL;
	}
	return h;
}

void lr_helper_start(struct lr_helper *h, void (*fn)(void *), void *arg)
{
	h->fn = fn;
	h->arg = arg;
	atomic_fetch_add(&h->posted, 1);
	wake(h, 1);
}

void lr_helper_wait(struct lr_helper *h)
{
	unsigned want = atomic_load_explicit(&h->posted, memory_order_relaxed);

	/* done is want - 1 until the share ends (one at a time); waiting
	 * for a change of what done holds now would wait for ever when the
	 * share ended between the two looks */
	while (atomic_load_explicit(&h->done, memory_order_acquire) != want)
		wait_change(h, &h->done, want - 1, 2);
}

void lr_helper_free(struct lr_helper *h)
{
	if (!h)
		return;
	pthread_mutex_lock(&h->mu);
	h->stop = 1;
	pthread_cond_broadcast(&h->cv);
	pthread_mutex_unlock(&h->mu);
	pthread_join(h->thread, NULL);
	pthread_cond_destroy(&h->cv);
	pthread_mutex_destroy(&h->mu);
	free(h);
}
