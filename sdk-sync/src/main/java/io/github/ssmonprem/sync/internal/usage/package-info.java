/** The usage protocol and its delivery: not API, may change in any release. */
package io.github.ssmonprem.sync.internal.usage;
