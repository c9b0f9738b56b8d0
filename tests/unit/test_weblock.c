/*
 * test_weblock - the review page's login lockout (ctl/weblock.c): an IPv6 client is its /64
 * (rotating addresses inside it does not reset the count), IPv4 addresses and other /64s
 * stay apart, an IPv4-mapped address is its IPv4 address; the global failure budget slows
 * down a guesser spread over many networks, and is forgotten after WEBLOCK_FORGET
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

#include "ctl/weblock.h"

static void test_ipv6_per_64(void **state)
{
    (void)state;
    WEBLOCK *l = weblock_new(0);
    time_t now = 1000000;
    char a[64];
    for (int i = 1; i <= WEBLOCK_PEER_FREE; i++) { /* a new address of one /64 each time */
        snprintf(a, sizeof(a), "2001:db8:1:2::%x", i);
        assert_int_equal(weblock_wait(l, a, "u", now), 0);
        weblock_failed(l, a, "u", now);
    }
    assert_true(weblock_wait(l, "2001:db8:1:2:ffff:1:2:3", "u", now) > 0);
    assert_true(weblock_wait(l, "2001:db8:1:2::99", "other", now) > 0);
    assert_int_equal(weblock_wait(l, "2001:db8:1:3::1", "u", now), 0); /* the next /64 */
    assert_int_equal(weblock_wait(l, "192.0.2.1", "u", now), 0);
    weblock_ok(l, "2001:db8:1:2::abcd"); /* a good login from the /64 clears it */
    assert_int_equal(weblock_wait(l, "2001:db8:1:2::1", "u", now), 0);
    weblock_free(l);
}

static void test_ipv4_and_mapped(void **state)
{
    (void)state;
    WEBLOCK *l = weblock_new(0);
    time_t now = 1000000;
    for (int i = 0; i < WEBLOCK_PEER_FREE; i++)
        weblock_failed(l, i % 2 ? "::ffff:192.0.2.7" : "192.0.2.7", "u", now);
    assert_true(weblock_wait(l, "192.0.2.7", "u", now) > 0);
    assert_true(weblock_wait(l, "::ffff:192.0.2.7", "u", now) > 0);
    assert_int_equal(weblock_wait(l, "192.0.2.8", "u", now), 0);
    assert_true(weblock_wait(l, "192.0.2.7", "u", now + WEBLOCK_MAX_WAIT + 1) == 0);
    weblock_free(l);
}

static void test_budget(void **state)
{
    (void)state;
    time_t now = 1000000;
    WEBLOCK *l = weblock_new(20);
    WEBLOCK *off = weblock_new(0);
    char a[64], u[16];
    for (int i = 0; i < 20; i++) { /* one failure from each of 20 networks, 20 names */
        snprintf(a, sizeof(a), "2001:db8:%x::1", i);
        snprintf(u, sizeof(u), "user%d", i);
        assert_int_equal(weblock_wait(l, a, u, now), 0);
        weblock_failed(l, a, u, now);
        weblock_failed(off, a, u, now);
    }
    long w = weblock_wait(l, "2001:db8:ffff::1", "admin", now); /* anyone waits now */
    assert_true(w > 0 && w <= WEBLOCK_MAX_WAIT);
    assert_int_equal(weblock_wait(off, "2001:db8:ffff::1", "admin", now), 0);
    assert_int_equal(weblock_wait(l, "2001:db8:ffff::1", "admin", now + w), 0);
    weblock_failed(l, "2001:db8:fffe::1", "x", now + w); /* past the budget: doubles */
    long w2 = weblock_wait(l, "2001:db8:ffff::1", "admin", now + w);
    assert_true(w2 >= 2 * w);
    /* forgotten WEBLOCK_FORGET seconds after the last failure */
    assert_int_equal(weblock_wait(l, "2001:db8:ffff::1", "admin", now + w + WEBLOCK_FORGET + 1), 0);
    weblock_failed(l, "2001:db8:fffe::1", "x", now + w + WEBLOCK_FORGET + 1);
    assert_int_equal(weblock_wait(l, "2001:db8:ffff::1", "admin", now + w + WEBLOCK_FORGET + 1), 0);
    weblock_free(l);
    weblock_free(off);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ipv6_per_64),
        cmocka_unit_test(test_ipv4_and_mapped),
        cmocka_unit_test(test_budget),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
