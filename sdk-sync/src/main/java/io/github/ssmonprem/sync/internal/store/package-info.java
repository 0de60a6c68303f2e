/**
 * Implementation of the file store ({@code io.github.ssmonprem.sync.store.FileSyncStore}):
 * <strong>not API</strong>. The JSON of its files, its lock, its quarantine and its acknowledgement
 * files; types here may change or go away in any release.
 */
package io.github.ssmonprem.sync.internal.store;
