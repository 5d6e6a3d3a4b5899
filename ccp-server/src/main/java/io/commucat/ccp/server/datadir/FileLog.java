package io.commucat.ccp.server.datadir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Collects the files a bootstrap created, for the start-up report. */
final class FileLog {

    private final List<Path> created = new ArrayList<>();

    void created(Path file) {
        created.add(file);
    }

    List<Path> created() {
        return List.copyOf(created);
    }
}
