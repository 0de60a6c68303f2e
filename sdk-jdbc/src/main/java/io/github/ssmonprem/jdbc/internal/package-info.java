/** Internals of sdk-jdbc: SQL dialects and the schema files. Not part of the public API. */
package io.github.ssmonprem.jdbc.internal;
