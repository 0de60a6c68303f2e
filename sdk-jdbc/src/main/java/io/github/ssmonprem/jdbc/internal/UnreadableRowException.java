package io.github.ssmonprem.jdbc.internal;

/** A stored row that cannot be decoded: the store moves it to its quarantine. Not part of the public API. */
public final class UnreadableRowException extends Exception {

    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param why what is wrong with the row, without quoting it
     * @param cause the decoding failure
     */
    public UnreadableRowException(String why, Throwable cause) {
        super(why, cause);
    }
}
