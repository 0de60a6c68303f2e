/**
 * Implementation of the SDK's {@code core} module: <strong>not API</strong>. Types here may change or go
 * away in any release, without notice or deprecation; they are public only so the SDK's other packages
 * can use them, are left out of the javadoc, and no public signature of the SDK exposes them. Use the
 * types of {@code io.github.ssmonprem.core} instead.
 */
package io.github.ssmonprem.core.internal;
