/**
 * Test utilities, for tests only: {@link io.github.ssmonprem.core.testing.TestClock}, the clock and
 * {@link io.github.ssmonprem.core.Sleeper} that move only when a test tells them to. It lives in sdk-core
 * so that the tests of every module, and the emulator of sdk-testkit, share one fake clock; production
 * code never needs this package.
 */
package io.github.ssmonprem.core.testing;
