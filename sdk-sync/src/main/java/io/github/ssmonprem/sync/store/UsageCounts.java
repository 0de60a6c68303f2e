package io.github.ssmonprem.sync.store;

/**
 * How many reports a store holds in each state, and how many acknowledgements wait to be taken.
 *
 * @param pending reports waiting for delivery or acknowledgement
 * @param dead reports the server refused for good
 * @param acknowledgements acknowledgements not taken yet by the application
 */
public record UsageCounts(int pending, int dead, int acknowledgements) {
}
