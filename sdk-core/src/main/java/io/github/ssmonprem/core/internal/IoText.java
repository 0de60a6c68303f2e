package io.github.ssmonprem.core.internal;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;

/**
 * Says why a file could not be read or written in the words of the operator who must fix it ("no such
 * file or directory", "permission denied", the system's own reason), never as an exception's type: the
 * messages that carry it reach the command line and the logs of people who do not read Java.
 */
public final class IoText {

    private IoText() {
    }

    /**
     * {@return the reason of an I/O failure in words, without the path (the caller names it) and without a Java type}
     *
     * @param e the failure
     */
    public static String reason(IOException e) {
        if (e instanceof NoSuchFileException) {
            return "no such file or directory";
        }
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof FileAlreadyExistsException) {
            return "a file of that name is in the way";
        }
        if (e instanceof DirectoryNotEmptyException) {
            return "a directory of that name is in the way";
        }
        if (e instanceof NotDirectoryException) {
            return "a part of the path is not a directory";
        }
        if (e instanceof FileSystemException fse) {
            return fse.getReason() != null ? fse.getReason() : "the file system refused it";
        }
        String message = e.getMessage();
        return message == null || message.isBlank() ? "an input/output error" : message;
    }
}
