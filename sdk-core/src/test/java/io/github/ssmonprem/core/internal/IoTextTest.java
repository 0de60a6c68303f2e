package io.github.ssmonprem.core.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import org.junit.jupiter.api.Test;

class IoTextTest {

    @Test
    void theCommonFailuresInWords() {
        assertEquals("no such file or directory", IoText.reason(new NoSuchFileException("/x/usage.xml")));
        assertEquals("permission denied", IoText.reason(new AccessDeniedException("/x")));
        assertEquals("a file of that name is in the way", IoText.reason(new FileAlreadyExistsException("/x")));
        assertEquals("a directory of that name is in the way", IoText.reason(new DirectoryNotEmptyException("/x")));
        assertEquals("a part of the path is not a directory", IoText.reason(new NotDirectoryException("/x")));
    }

    @Test
    void otherwiseTheSystemsOwnReasonNeverTheType() {
        assertEquals("No space left on device", IoText.reason(new FileSystemException("/x", null, "No space left on device")));
        assertEquals("the file system refused it", IoText.reason(new FileSystemException("/x")));
        assertEquals("Is a directory", IoText.reason(new IOException("Is a directory")));
        assertEquals("an input/output error", IoText.reason(new IOException()));
    }
}
